"""The network scene: neurons, connection lines, the propagation animation, its controller."""

from .network_scene import NetworkScene

__all__ = ["NetworkScene"]
