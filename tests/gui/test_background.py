import threading

from PySide6.QtCore import QThread

from digitviz.gui.workers.background import BackgroundTask


def _work(n, *, progress, cancelled):
    for i in range(n):
        progress(i + 1, n)
    return threading.get_ident(), sum(range(n))


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    task = BackgroundTask(_work, 5)
    seen = []
    task.progress.connect(lambda done, total: seen.append((done, total, QThread.currentThread())))
    with qtbot.waitSignal(task.finished, timeout=5000) as blocker:
        task.start()
    worker_thread, total = blocker.args[0]
    assert total == 10
    assert worker_thread != threading.get_ident()
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert [s[:2] for s in seen] == [(i, 5) for i in range(1, 6)]
    assert all(s[2] is QThread.currentThread() for s in seen)


def test_errors_are_reported_not_raised(qtbot):
    def boom(*, progress, cancelled):
        raise RuntimeError("disk on fire")

    task = BackgroundTask(boom)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.start()
    assert "disk on fire" in blocker.args[0]


def test_a_cancelled_task_delivers_nothing(qtbot):
    release = threading.Event()

    def slow(*, progress, cancelled):
        release.wait(5)
        return 42

    task = BackgroundTask(slow)
    results = []
    task.finished.connect(results.append)
    task.start()
    task.cancel()
    release.set()
    qtbot.wait(200)
    assert results == []
