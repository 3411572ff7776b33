import threading

import pytest

from digitviz.gui.models import evaluator


@pytest.fixture
def gate(monkeypatch):
    """Holds every background evaluation on its worker thread until ``gate.set()``."""
    gate = threading.Event()
    real = evaluator.evaluate

    def gated(net, data, **kwargs):
        gate.wait(10)
        return real(net, data, **kwargs)

    monkeypatch.setattr(evaluator, "evaluate", gated)
    yield gate
    gate.set()
