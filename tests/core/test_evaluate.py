import numpy as np

from digitviz.core.evaluate import confusion_matrix, evaluate, per_class_accuracy
from digitviz.core.mnist import Digits, bundled_test_set
from digitviz.core.network import Network
from digitviz.core.resources import default_weights_path
from digitviz.core.weightfile import load_weights


def test_confusion_matrix_matches_an_independent_count():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    preds = np.where(rng.random(500) < 0.7, labels, rng.integers(0, 10, 500))
    expected = np.zeros((10, 10), dtype=int)
    for t, p in zip(labels, preds):
        expected[t, p] += 1
    np.testing.assert_array_equal(confusion_matrix(labels, preds), expected)
    acc = per_class_accuracy(expected)
    for d in range(10):
        assert acc[d] == np.mean(preds[labels == d] == d)


def test_evaluate_on_the_shipped_network():
    net = load_weights(default_weights_path())
    digits = bundled_test_set().subset(slice(0, 2000))
    result = evaluate(net, digits)
    predictions = net.predict(digits.images)
    assert result.accuracy == np.mean(predictions == digits.labels)
    np.testing.assert_array_equal(result.predictions, predictions)
    assert result.confusion.sum() == 2000 and result.n_correct == np.sum(predictions == digits.labels)
    assert result.accuracy > 0.9
    mistakes = result.mistakes()
    assert len(mistakes) == 2000 - result.n_correct
    conf = [m.confidence for m in mistakes]
    assert conf == sorted(conf, reverse=True)
    assert all(m.label != m.predicted and m.label == digits.labels[m.index] for m in mistakes)
    top = result.mistakes(3)
    assert [m.index for m in top] == [m.index for m in mistakes[:3]]
    m = mistakes[0]
    cell = result.mistakes(label=m.label, predicted=m.predicted)
    assert len(cell) == result.confusion[m.label, m.predicted]


def test_evaluate_a_hand_made_network():
    # One layer whose weights copy pixel d into output d: it predicts the brightest of pixels 0-9.
    w = np.zeros((10, 784))
    w[np.arange(10), np.arange(10)] = 10.0
    net = Network([w], [np.zeros(10)], "sigmoid", "softmax")
    images = np.zeros((4, 784), dtype=np.float32)
    images[[0, 1, 2, 3], [3, 5, 5, 9]] = 1.0
    result = evaluate(net, Digits(images, np.array([3, 5, 1, 9])))
    np.testing.assert_array_equal(result.predictions, [3, 5, 5, 9])
    assert result.accuracy == 0.75
    assert result.confusion[1, 5] == 1 and np.isnan(result.per_class_accuracy[0])
