import numpy as np

from digitviz.core.evaluate import evaluate, format_report
from digitviz.core.mnist import Digits, bundled_test_set
from digitviz.core.network import Network


def test_confusion_matrix_matches_an_independent_count():
    net = Network.random([784, 16, 10], np.random.default_rng(0))
    digits = bundled_test_set().subset(slice(0, 700))
    result = evaluate(net, digits, batch_size=64)
    predictions = [int(np.argmax(net.forward(x)[-1])) for x in digits.images]
    counts = np.zeros((10, 10), dtype=int)
    for true, pred in zip(digits.labels, predictions):
        counts[true, pred] += 1
    np.testing.assert_array_equal(result.confusion, counts)
    np.testing.assert_array_equal(result.predictions, predictions)
    assert result.accuracy == np.mean(np.array(predictions) == digits.labels)
    for d in range(10):
        assert result.per_class_accuracy[d] == counts[d, d] / counts[d].sum()


def test_mistakes_are_wrong_and_most_confident_first():
    net = Network.random([784, 16, 10], np.random.default_rng(1))
    digits = bundled_test_set().subset(slice(0, 500))
    result = evaluate(net, digits)
    assert set(result.mistakes) == set(np.flatnonzero(result.predictions != digits.labels))
    conf = result.confidences[result.mistakes]
    assert np.all(conf[:-1] >= conf[1:])
    i, j = digits.labels[result.mistakes[0]], result.predictions[result.mistakes[0]]
    assert result.mistakes[0] in result.cell(i, j)


def test_progress_and_report():
    net = Network.random([784, 10], np.random.default_rng(2))
    digits = bundled_test_set().subset(slice(0, 250))
    seen = []
    result = evaluate(net, digits, batch_size=100, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(100, 250), (200, 250), (250, 250)]
    text = format_report(result, "title")
    assert f"{100 * result.accuracy:.2f}%" in text and "Confusion matrix" in text


def test_a_digit_absent_from_the_set():
    net = Network.random([784, 10], np.random.default_rng(2))
    d = bundled_test_set()
    only_ones = Digits(d.images[d.labels == 1][:20], d.labels[d.labels == 1][:20])
    result = evaluate(net, only_ones)
    assert np.isnan(result.per_class_accuracy[0]) and not np.isnan(result.per_class_accuracy[1])
    assert "-" in format_report(result)
