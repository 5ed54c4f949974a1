"""Policy as data (R9.1, R3.1): versioned, validated rules that map detector signals and context
to an action. ``engine.evaluate`` is pure; ``qinglang.apply`` is the one place verdicts change
state.
"""
