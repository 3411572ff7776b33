"""The prediction panel's words: never "100% sure" for 0.998 nor "(0%)" for a small chance."""

import numpy as np
import pytest

from digitviz.core import Network
from digitviz.gui.models.state import AppState
from digitviz.gui.panels.prediction import PredictionPanel, percent, value


@pytest.mark.parametrize("p, text", [(0.998, "99.8%"), (0.9996, ">99.9%"), (1.0, "100%"), (0.42, "42%"),
                                     (0.994, "99.4%"), (0.989, "99%"), (0.003, "<1%"), (0.0, "0%")])
def test_percent_never_rounds_to_a_certainty(p, text):
    assert percent(p) == text


@pytest.mark.parametrize("v, text", [(0.998, ">0.99"), (0.0004, "<0.01"), (0.5, "0.50"), (1.0, "1.00")])
def test_value_never_rounds_to_a_certainty(v, text):
    assert value(v) == text


def test_the_panel_follows_the_outputs_it_is_shown(qtbot):
    net = Network.random([784, 16, 16, 10], np.random.default_rng(3), output_activation="softmax")
    state = AppState(net)
    panel = PredictionPanel(state)
    qtbot.addWidget(panel)
    outputs = np.full(10, 0.0002)
    outputs[4], outputs[7] = 0.998, 0.0002
    panel.show_outputs(outputs / outputs.sum())
    assert panel.digit_label.text() == "4"
    text = panel.confidence_label.text()
    assert "99.8% sure" in text and "100%" not in text and "(<1%)" in text
    # Paced by the scene now: the state's own announcements no longer move it.
    state.set_input(np.ones(784), final=True)
    np.testing.assert_allclose(panel.outputs(), outputs / outputs.sum())
    panel.show_outputs(None)
    assert panel.outputs() is None and panel.confidence_label.text() == "Draw a digit"
