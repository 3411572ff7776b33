"""The bounds every weight-file reader enforces, in one place (tests lower them with monkeypatch).

They admit every network the app is meant to show and train, with room to spare, and refuse
files that would take minutes or gigabytes to read:

* ``MAX_FILE_BYTES``: 256 MiB read at most from any file;
* ``MAX_LAYERS``: 16 weight layers (17 layer widths, input and output included);
* ``MAX_HIDDEN_WIDTH``: 4,096 neurons in a hidden layer (inputs are always 784, outputs 10);
* ``MAX_PARAMETERS``: 20,000,000 weights and biases in all (784-4000-4000-10 has 19.2 M);
* ``MAX_JSON_VALUES``: 5,000,000 numbers in a Nielsen JSON file (parsing text builds a Python
  object per number: 20 M of them take seconds and gigabytes; larger networks belong in .npz);
* ``MAX_METADATA_CHARS``: 65,536 characters of metadata (JSON text); ``MAX_NAME_CHARS``: a
  network's name is cut to 120 characters;
* ``MAX_MESSAGE_CHARS``: 300 characters in the problem an error reports.
"""

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_LAYERS = 16
MAX_HIDDEN_WIDTH = 4096
MAX_PARAMETERS = 20_000_000
MAX_JSON_VALUES = 5_000_000
MAX_METADATA_CHARS = 65_536
MAX_NAME_CHARS = 120
MAX_MESSAGE_CHARS = 300

# Format-specific bounds, derived from the ones above.
MAX_TEXT_FIELD_CHARS = 256  # an activation's name in an .npz
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024  # a handful of members need a few KiB
MAX_ZIP_MEMBERS = 4 * MAX_LAYERS + 16
MAX_SAFETENSORS_HEADER = 1024 * 1024
MAX_PICKLE_MEMO = 100_000
MAX_PICKLE_STACK = 100_000
MAX_PICKLE_NESTING = 64
