"""A sentiment model backed by a local Hugging Face transformers checkpoint.

For users who have a fine-tuned classifier on disk (for instance a multilingual
XLM-RoBERTa sentiment model). Nothing is downloaded: the path must exist and
``local_files_only`` is forced. ``transformers`` is not a touchpath dependency; install it
yourself. ``labels`` maps the model's label names to positive / negative / neutral.

    >>> from touchpath.voc.sentiment import get_model  # doctest: +SKIP
    >>> model = get_model("transformers", path="/models/xlmr-sentiment")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from touchpath.errors import TouchpathError
from touchpath.voc.sentiment.lexicon import Prediction
from touchpath.voc.sentiment.text import detect_language

DEFAULT_LABELS = {
    "positive": "positive", "negative": "negative", "neutral": "neutral",
    "pos": "positive", "neg": "negative", "neu": "neutral",
    "label_0": "negative", "label_1": "neutral", "label_2": "positive",
}  # fmt: skip


class TransformersModel:
    """``predict`` through a local ``text-classification`` pipeline, in batches."""

    name = "transformers"

    def __init__(
        self, *, path: str | Path, labels: Mapping[str, str] | None = None, batch_size: int = 32
    ) -> None:
        self.path = path
        self.labels = labels
        self.batch_size = batch_size
        folder = Path(path)
        if not folder.is_dir():
            raise TouchpathError(f"{folder}: no model folder there (nothing is downloaded)")
        try:
            from transformers import pipeline  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise TouchpathError(
                "the transformers model needs the transformers package: pip install transformers"
            ) from None
        self.pipeline_: Any = pipeline(
            "text-classification",
            model=str(folder),
            tokenizer=str(folder),
            model_kwargs={"local_files_only": True},
        )

    def get_params(self) -> dict[str, object]:
        return {"path": self.path, "labels": self.labels, "batch_size": self.batch_size}

    def predict(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[Prediction]:
        table = {k.lower(): v for k, v in (self.labels or DEFAULT_LABELS).items()}
        results = self.pipeline_(list(texts), batch_size=self.batch_size, truncation=True)
        out = []
        for text, lang, result in zip(texts, languages, results, strict=True):
            label = table.get(str(result["label"]).lower(), "neutral")
            out.append(Prediction(label, float(result["score"]), lang or detect_language(text)))
        return out
