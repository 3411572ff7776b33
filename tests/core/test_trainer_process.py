"""The Trainer in a child process reports the same snapshots as the Trainer itself, and stops."""

import numpy as np

from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.trainer import Trainer
from digitviz.core.trainer_process import SharedDigits, TrainerProcess


def test_the_child_trains_exactly_like_the_trainer_and_stops_when_asked():
    d = bundled_test_set()
    images, labels = d.images[:320], d.labels[:320]  # 10 batches of 32, for the mechanics only
    shared = SharedDigits(images, labels)
    np.testing.assert_array_equal(shared.images, images)
    np.testing.assert_array_equal(shared.labels, labels)
    start = Network.random([784, 8, 10], np.random.default_rng(3), "relu", "softmax")
    process = TrainerProcess(start, shared, seed=5, settings={"optimizer": "sgd", "momentum": 0.5})
    try:
        process.run(12)
        reports = process.poll(until_stopped=True, timeout=60)
        kinds = [r[0] for r in reports]
        assert kinds[-1] == "stopped" and reports[-1][1] == 12 and reports[-1][3] is None
        snapshots = [(r[1], r[2]) for r in reports if r[0] == "snapshot"]
        assert [b for b, _ in snapshots] == [0, 1, 2, 4, 8, 10]  # 10: the end of the first epoch
        assert [b for r in reports if r[0] == "costs" for b in r[1]] == list(range(1, 13))
        trainer = Trainer(start, images, labels, seed=5, optimizer="sgd", momentum=0.5)
        for batches, net in snapshots[1:]:
            trainer.step(batches - trainer.batches_done)
            for a, b in zip(trainer.network.weights + trainer.network.biases, net.weights + net.biases):
                np.testing.assert_array_equal(a, b)

        process.run(10_000)
        stopped = process.stop(timeout=60)
        assert stopped[-1][0] == "stopped" and 12 <= stopped[-1][1] < 10_000
        assert not process.running
    finally:
        process.close()
        shared.close()
    assert not process.alive


def test_a_diverging_run_stops_with_a_message_and_sends_no_broken_network():
    d = bundled_test_set()
    shared = SharedDigits(d.images[:320], d.labels[:320])
    start = Network.random([784, 8, 10], np.random.default_rng(3), "relu", "softmax")
    # A learning rate this large overflows the weights to infinity within a few batches.
    process = TrainerProcess(start, shared, seed=5, settings={"optimizer": "sgd", "learning_rate": 1e300})
    try:
        process.run(200)
        reports = process.poll(until_stopped=True, timeout=60)
        stopped = reports[-1]
        assert stopped[0] == "stopped" and stopped[1] == -1 and stopped[2] is None
        assert "diverged" in stopped[3]
        for report in reports:  # every network that left the child is finite
            if report[0] in ("snapshot", "live"):
                net = report[2]
                assert all(np.all(np.isfinite(a)) for a in net.weights + net.biases)
    finally:
        process.close()
        shared.close()
