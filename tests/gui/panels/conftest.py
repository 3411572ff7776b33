"""Fixtures shared by the panels' tests: a random network, the test digits, a window showing it."""

import numpy as np
import pytest

from digitviz.core.mnist import bundled_test_set
from digitviz.core.network import Network
from digitviz.core.resources import default_weights_path
from digitviz.core.weightfiles import load_weights
from digitviz.gui import MainWindow


@pytest.fixture(scope="module")
def digits():
    return bundled_test_set()


@pytest.fixture(scope="module")
def network():
    return Network.random([784, 16, 16, 10], np.random.default_rng(11), output_activation="softmax",
                          metadata={"name": "random eleven"})


@pytest.fixture(scope="module")
def trained():
    return load_weights(default_weights_path())


@pytest.fixture
def window(qtbot, network):
    window = MainWindow(weights=network)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.evaluation_view.evaluation is not None, timeout=10_000)
    return window
