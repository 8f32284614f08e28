"""The entry points: the Python API, the ``formcheck`` command and batches."""
