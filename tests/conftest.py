"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The clip renderer (clipsynth/) and the evaluation helpers (bench/) live beside the package, not in it.
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def private_user_files(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never the real user's history or config: each test (and the CLI processes it starts, which inherit
    the environment) gets a history file of its own and no user config."""
    d = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("FORMCHECK_HISTORY", str(d / "history.sqlite3"))
    monkeypatch.setenv("FORMCHECK_CONFIG", str(d / "config.toml"))
    return d


@pytest.fixture(scope="session")
def task_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PoseLandmarker ``.task`` bundle, for the Tasks-API backend.

    $FORMCHECK_TASK_MODEL if set (e.g. Google's pose_landmarker_full.task); otherwise one is assembled here,
    offline, from the two models that ship in the mediapipe 0.10.21 wheel: the Tasks API only needs them
    to carry input-normalisation metadata (detector input in [-1, 1], landmark model input in [0, 1]).
    """
    env = os.environ.get("FORMCHECK_TASK_MODEL")
    if env:
        return Path(env)
    import mediapipe as mp
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, model_asset_bundle_utils

    modules = Path(mp.__file__).parent / "modules"

    def with_metadata(path: Path, mean: float, std: float, outputs: int) -> bytes:
        writer = metadata_writer.MetadataWriter.create(bytearray(path.read_bytes()))
        writer.add_general_info(path.stem, "BlazePose model from the mediapipe wheel")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])
        for i in range(outputs):
            writer.add_feature_output(name=f"output_{i}")
        model, _ = writer.populate()
        return bytes(model)

    out = tmp_path_factory.mktemp("task") / "pose_landmarker_full.task"
    model_asset_bundle_utils.create_model_asset_bundle(
        {
            "pose_detector.tflite": with_metadata(modules / "pose_detection/pose_detection.tflite", 127.5, 127.5, 2),
            "pose_landmarks_detector.tflite": with_metadata(
                modules / "pose_landmark/pose_landmark_full.tflite", 0.0, 255.0, 5
            ),
        },
        str(out),
    )
    return out


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first (those that run the model, and the browser's): started last, one of them kept a
    single worker busy for half a minute after the other had finished. The order within each group stays."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None and "test_web_browser" not in item.nodeid)
