"""MinHash signatures behind the fingerprint bank (R14.2): a batch hashes as its texts would alone,
near-copies share a band key, and unrelated or too-short texts do not match."""

from qinglang.detection import minhash

ORIGINAL = "紧急通知：明天全市停水一整天，请大家提前储水，转发给身边的家人朋友，不要等到停水再着急！"
RESPACED = "紧 急 通 知：明天全市停水一整天，請大家提前儲水，转发给身边的家人朋友，不要等到停水再着急"
UNRELATED = "社区图书馆周六下午有一场关于宋代诗词的讲座，欢迎带孩子一起来听，现场还有免费的茶水。"


def test_a_batch_gives_each_text_the_signature_it_has_alone() -> None:
    texts = [ORIGINAL, "太短", UNRELATED, "", RESPACED]
    together = minhash.signatures(texts)
    alone = [minhash.signature(text) for text in texts]
    assert [sig is None for sig in together] == [False, True, False, True, False]
    for mine, single in zip(together, alone, strict=True):
        assert (mine is None and single is None) or mine.tolist() == single.tolist()
    present = [sig for sig in together if sig is not None]
    assert minhash.band_keys_many(present) == [minhash.band_keys(sig) for sig in present]


def test_an_evasive_copy_shares_a_band_key_and_an_unrelated_text_does_not() -> None:
    original, copy, other = minhash.signatures([ORIGINAL, RESPACED, UNRELATED])
    assert minhash.similarity(original, copy) >= 0.7
    assert set(minhash.band_keys(original)) & set(minhash.band_keys(copy))
    assert minhash.similarity(original, other) < 0.3
    assert not set(minhash.band_keys(original)) & set(minhash.band_keys(other))


def test_signatures_survive_storage() -> None:
    (sig,) = minhash.signatures([ORIGINAL])
    assert minhash.from_bytes(minhash.to_bytes(sig)).tolist() == sig.tolist()
