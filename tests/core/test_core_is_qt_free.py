"""The core needs NumPy and the standard library only: importing it must not load Qt."""

import subprocess
import sys
import textwrap


def test_core_imports_with_qt_blocked():
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"}:
                    raise ImportError(f"blocked: {name}")

        sys.meta_path.insert(0, Block())
        import digitviz
        import digitviz.core.network, digitviz.core.weightfiles, digitviz.core.preprocess, digitviz.core.mnist
        import pkgutil, importlib, digitviz.core as core
        for mod in pkgutil.iter_modules(core.__path__):
            importlib.import_module(f"digitviz.core.{mod.name}")
        net = digitviz.Network.random([784, 16, 10], __import__("numpy").random.default_rng(0))
        assert net.predict(__import__("numpy").zeros(784)) in range(10)
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
