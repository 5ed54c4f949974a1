"""The detection cascade for the Article 7 and 8 categories (R7.1-R7.3, R8.1, R8.2).

Detection produces signals and knows nothing of policy: what to do with a score is the policy
engine's business.
"""
