"""The steppable trainer: bit-for-bit determinism, learning, snapshots, settings; fine-tuning;
the timeline's snapshot policy."""

import threading

import numpy as np
import pytest

from digitviz.core import trainer as trainer_module
from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.timeline import should_snapshot, snapshots_to_keep, thin_snapshots
from digitviz.core.train import accuracy, fine_tune
from digitviz.core.trainer import Trainer


@pytest.fixture(scope="module")
def digits():
    return bundled_test_set().subset(slice(0, 3000))


def _fresh(seed=0, output="sigmoid", hidden="sigmoid"):
    return Network.random([784, 16, 16, 10], np.random.default_rng(seed), hidden, output)


def _params(net):
    return net.weights + net.biases


def test_two_trainers_built_alike_give_identical_weights(digits, monkeypatch):
    # Small chunks, so that batches cross chunk and epoch boundaries within the test.
    monkeypatch.setattr(trainer_module, "CHUNK_IMAGES", 96)
    d = digits.subset(slice(0, 500))
    kw = dict(seed=5, batch_size=32, augment=True, augment_strength=0.5)
    a = Trainer(_fresh(), d.images, d.labels, **kw)
    b = Trainer(_fresh(), d.images, d.labels, **kw)
    assert a.batches_per_epoch == 16
    cost_a = a.step(40)
    costs_b = [b.step() for _ in range(40)]
    assert a.batches_done == b.batches_done == 40 and a.epoch == 2 and a.epoch_progress == 2.5
    for x, y in zip(_params(a.network), _params(b.network)):
        np.testing.assert_array_equal(x, y)
    assert np.isfinite(cost_a) and cost_a == pytest.approx(np.mean(costs_b), rel=0.05)
    other = Trainer(_fresh(), d.images, d.labels, **{**kw, "seed": 6})
    other.step(40)
    assert not np.array_equal(other.network.weights[0], a.network.weights[0])


def test_the_callers_network_is_never_changed(digits):
    net = _fresh()
    before = [p.copy() for p in _params(net)]
    t = Trainer(net, digits.images, digits.labels)
    t.step(5)
    for p, q in zip(_params(net), before):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(t.network.weights[0], net.weights[0])


@pytest.mark.parametrize("settings", [
    dict(),  # cross-entropy, Adam
    dict(cost="quadratic", optimizer="sgd"),  # the video's recipe
    dict(cost="quadratic", optimizer="sgd", momentum=0.5),
    dict(cost="cross_entropy", optimizer="sgd", hidden="relu", output="softmax"),
])
def test_cost_falls_over_200_steps_from_a_fresh_network(digits, settings):
    settings = dict(settings)
    net = _fresh(output=settings.pop("output", "sigmoid"), hidden=settings.pop("hidden", "sigmoid"))
    t = Trainer(net, digits.images, digits.labels, seed=1, **settings)
    first = t.step(20)
    t.step(160)
    last = t.step(20)
    assert last < 0.7 * first
    assert accuracy(t.network, digits) > 0.6


def test_snapshots_are_independent_copies(digits):
    t = Trainer(_fresh(), digits.images, digits.labels)
    t.step(3)
    snap = t.snapshot()
    kept = [p.copy() for p in _params(snap)]
    t.step(3)
    for p, q in zip(_params(snap), kept):
        np.testing.assert_array_equal(p, q)
    snap.weights[0][:] = 0
    assert np.any(t.network.weights[0] != 0)
    assert snap.metadata["training"]["batches"] == 3 and t.network.metadata["training"]["batches"] == 6


def test_snapshots_from_another_thread_while_it_steps(digits):
    t = Trainer(_fresh(), digits.images, digits.labels, seed=2)
    reference = Trainer(_fresh(), digits.images, digits.labels, seed=2)
    worker = threading.Thread(target=t.step, args=(60,))
    worker.start()
    snaps = []
    while worker.is_alive():
        snaps.append(t.snapshot())
    worker.join()
    # Each snapshot is the state after some whole number of batches.
    done = 0
    for snap in snaps[:: max(1, len(snaps) // 5)] + [t.snapshot()]:
        k = snap.metadata["training"]["batches"]
        if k > done:
            reference.step(k - done)
            done = k
        np.testing.assert_array_equal(snap.weights[0], reference.network.weights[0])


def test_one_epoch_runs_to_its_end(digits):
    d = digits.subset(slice(0, 100))
    t = Trainer(_fresh(), d.images, d.labels, batch_size=32)
    t.step(2)
    seen = []
    t.run_epoch(lambda done, total, cost: seen.append((done, total)))
    assert seen == [(3, 4), (4, 4)] and t.epoch == 1 and t.batches_done == 4
    assert np.isfinite(t.last_epoch_cost)


@pytest.mark.parametrize("settings,message", [
    (dict(learning_rate=float("nan")), "learning_rate"),
    (dict(learning_rate=0), "learning_rate"),
    (dict(optimizer="rmsprop"), "unknown optimizer"),
    (dict(cost="hinge"), "unknown cost"),
    (dict(batch_size=0), "batch_size"),
    (dict(momentum=1.0), "momentum"),
    (dict(augment_strength=float("inf")), "augment_strength"),
    (dict(augment_probability=1.5), "augment_probability"),
])
def test_bad_settings_are_refused(digits, settings, message):
    with pytest.raises(ValueError, match=message):
        Trainer(_fresh(), digits.images, digits.labels, **settings)
    with pytest.raises(TypeError):
        Trainer(_fresh(), digits.images, digits.labels, learning_rat=0.1)


def test_bad_data_is_refused(digits):
    with pytest.raises(ValueError, match="labels"):
        Trainer(_fresh(), digits.images, digits.labels + 10)
    with pytest.raises(ValueError, match="images"):
        Trainer(_fresh(), digits.images[:, :100], digits.labels)
    with pytest.raises(ValueError, match="no training"):
        Trainer(_fresh(), digits.images[:0], digits.labels[:0])
    bad = digits.images[:10].copy()
    bad[3, 5] = np.nan
    with pytest.raises(ValueError, match=r"values in \[0, 1\], found nan"):
        Trainer(_fresh(), bad, digits.labels[:10])
    with pytest.raises(ValueError, match=r"values in \[0, 1\], found 0 to 255"):
        Trainer(_fresh(), digits.images[:10] * 255, digits.labels[:10])


def test_fine_tuning_teaches_a_new_handwriting_without_forgetting(digits):
    base_trainer = Trainer(_fresh(output="softmax"), digits.images[:2500], digits.labels[:2500], seed=3)
    base_trainer.step(300)
    base = base_trainer.network
    # "Personal" digits: MNIST digits drawn upside down, which the network has never seen.
    d = bundled_test_set().subset(slice(5000, 5040))
    personal = d.images.reshape(-1, 28, 28)[:, ::-1, :].reshape(-1, 784)
    before = np.mean(base.predict(personal) == d.labels)
    tuned = fine_tune(base, personal, d.labels, digits.images[:2500], digits.labels[:2500], seed=0, epochs=4)
    after = np.mean(tuned.predict(personal) == d.labels)
    assert after > before + 0.3
    held_out = digits.subset(slice(2500, 3000))
    assert accuracy(tuned, held_out) > accuracy(base, held_out) - 0.1
    assert tuned.metadata["fine_tuned"]["personal_digits"] == 40
    again = fine_tune(base, personal, d.labels, digits.images[:2500], digits.labels[:2500], seed=0, epochs=4)
    np.testing.assert_array_equal(again.weights[0], tuned.weights[0])


def test_snapshot_moments():
    moments = [b for b in range(0, 301) if should_snapshot(b, batches_per_epoch=100)]
    assert moments == [0, 1, 2, 4, 8, 16, 32, 64, 100, 128, 200, 256, 300]
    with pytest.raises(ValueError):
        should_snapshot(5, 0)


def test_the_snapshot_list_stays_bounded_and_keeps_the_growth():
    batches = [b for b in range(0, 200 * 100 + 1) if should_snapshot(b, batches_per_epoch=100)]
    kept_batches = []
    snapshots = []
    for b in batches:  # as the app does: append, then thin
        snapshots = thin_snapshots(snapshots + [(b, f"net{b}")], limit=40)
        kept_batches = [k for k, _ in snapshots]
        assert len(snapshots) <= 40
    assert kept_batches[0] == 0 and kept_batches[-1] == 20_000
    assert {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384} <= set(kept_batches)
    assert kept_batches == sorted(kept_batches)
    epoch_ends = [k for k in kept_batches[:-1] if k % 100 == 0 and k & (k - 1)]
    assert len(epoch_ends) >= 40 - 17 - 2 - 8  # room left by the protected ones, at most halved
    gaps = np.diff(epoch_ends)
    # Evenly spread over the run (thinned to a grid), the latest stretch possibly finer.
    assert gaps.max() <= 20_000 // 10 and np.all(gaps[:-1] >= gaps[1:]) and len(set(gaps)) <= 2
    assert snapshots_to_keep(list(range(10)), limit=64) == list(range(10))
    assert len(snapshots_to_keep(list(range(1000)), limit=2)) == 2


def test_single_threaded_blas_is_set_and_restored_across_threads():
    from digitviz.core import blas

    setter = blas._find_setter()
    a, b = np.ones((64, 784), np.float32), np.ones((784, 16), np.float32)
    with blas.single_threaded_blas():
        product = a @ b  # works either way
    np.testing.assert_array_equal(product, 784)
    if setter is None:  # another BLAS: nothing to limit, and nothing was touched
        assert not blas.can_limit_threads()
        return

    def read():
        value = setter(1)
        setter(value)
        return value

    before = read()
    entered, leave = threading.Event(), threading.Event()

    def other_block():
        with blas.single_threaded_blas():
            entered.set()
            leave.wait(10)

    worker = threading.Thread(target=other_block)
    with blas.single_threaded_blas():
        assert read() == 1
        worker.start()
        entered.wait(10)
    assert read() == 1  # the other thread's block still runs
    leave.set()
    worker.join()
    assert read() == before
