"""The review page: an archivist checks each value against its page and corrects it.

    vanthu review out/ds            # prints http://127.0.0.1:PORT/ ; open it in a browser

The list shows the documents, filtered like ``vanthu list`` (status, a field empty, a value
below a confidence, a source such as ``ocr``). A document shows each page with the box of
every field drawn over it (boxes in PDF points, origin top left, placed as percentages of the
page so they follow the image at any zoom) and, beside it, each value with its provenance.
From the keyboard: ``j``/``k`` move between fields, ``e`` edits the value (Enter stores it as
a correction, Escape leaves it), ``a`` accepts it (a correction to the same value, so a later
change of the extracted value is flagged). Flask serves it on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd
from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.serving import make_server

from pipeline.api import read_dataset
from pipeline.corrections import CORRECTABLE, CorrectionError, correct
from pipeline.review.images import BoxError, page_png, page_size
from pipeline.review.select import select_documents

FIELD_SOURCES = ("text_layer", "ocr", "ocr_handwriting", "signature_widget", "signature_dict",
                 "inferred", "manual")


def _cell(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _value(text: Any) -> str:
    """A stored JSON value as the archivist types it: lists joined by ``; ``."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    value = json.loads(text)
    if isinstance(value, list):
        return "; ".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                         for v in value)
    return "" if value is None else str(value)


def create_app(dataset: str | os.PathLike[str], who: str | None = None) -> Flask:
    """The review app over ``dataset``; corrections are stored as ``who`` (login name)."""
    app = Flask(__name__)
    app.config["DATASET"] = str(dataset)

    def load() -> tuple[pd.DataFrame, pd.DataFrame]:
        return read_dataset(dataset), read_dataset(dataset, "fields")

    def one(doc_id: str) -> tuple[pd.Series, pd.DataFrame]:
        docs, fields = load()
        hits = docs[docs["doc_id"] == doc_id]
        if hits.empty:
            abort(404)
        doc = hits.iloc[0]
        return doc, fields[fields["source_path"] == doc["source_path"]]

    @app.get("/")
    def index() -> str:
        docs, fields = load()
        args = request.args
        below = args.get("below", type=float)
        hits = select_documents(docs, fields, status=args.get("status") or None,
                                empty=args.get("empty") or None, below=below,
                                source=args.get("source") or None)
        rows = [{"doc_id": r["doc_id"], "path": r["source_path"], "status": r["status"],
                 "doc_type": _cell(r["doc_type"]), "code": _cell(r["code"]),
                 "reason": r["reason"]} for _, r in hits.iterrows()]
        return render_template("index.html", rows=rows, total=len(docs), args=args,
                               fields=CORRECTABLE, sources=FIELD_SOURCES,
                               dataset=app.config["DATASET"])

    @app.get("/doc/<doc_id>")
    def document(doc_id: str) -> str:
        doc, fields = one(doc_id)
        by_name = {r["field"]: r for _, r in fields.iterrows()}
        rows: list[dict[str, Any]] = []
        pages: dict[int, dict[str, Any]] = {}
        for name in CORRECTABLE:
            r = by_name.get(name)
            box = None
            page = None
            if r is not None and not pd.isna(r["page"]):
                page = int(r["page"])
                if not pd.isna(r["x0"]):
                    box = [float(r[k]) for k in ("x0", "y0", "x1", "y1")]
            if page is not None and box is not None and page not in pages:
                try:
                    w, h = page_size(str(doc["source_path"]), page)
                    pages[page] = {"number": page, "width": w, "height": h, "boxes": []}
                except BoxError:
                    box = None
            rows.append({
                "field": name, "value": _value(r["value"]) if r is not None else "",
                "page": page, "box": box,
                "source": r["source"] if r is not None else "",
                "extractor": r["extractor"] if r is not None else "",
                "confidence": None if r is None or pd.isna(r["confidence"])
                else float(r["confidence"]),
                "text": r["text"] if r is not None and isinstance(r["text"], str) else "",
            })
            if box is not None and page in pages:
                pg = pages[page]
                pages[page]["boxes"].append({
                    "field": name,
                    "left": 100 * box[0] / pg["width"], "top": 100 * box[1] / pg["height"],
                    "width": 100 * (box[2] - box[0]) / pg["width"],
                    "height": 100 * (box[3] - box[1]) / pg["height"]})
        return render_template("doc.html", doc=doc, rows=rows,
                               pages=[pages[k] for k in sorted(pages)])

    @app.get("/doc/<doc_id>/page/<int:page>.png")
    def page_image(doc_id: str, page: int) -> Response:
        doc, _ = one(doc_id)
        try:
            png = page_png(str(doc["source_path"]), page)
        except BoxError:
            abort(404)
        return Response(png, mimetype="image/png")

    @app.post("/doc/<doc_id>/field/<field>")
    def store(doc_id: str, field: str) -> Response | tuple[Response, int]:
        doc, fields = one(doc_id)
        data = request.get_json(silent=True) or request.form
        if data.get("action") == "accept":
            rows = fields[fields["field"] == field]
            value: Any = json.loads(rows.iloc[0]["value"]) if len(rows) else None
        else:
            value = data.get("value", "")
        try:
            row = correct(dataset, str(doc["doc_id"]), field, value, who=who)
        except CorrectionError as exc:
            return jsonify({"error": str(exc)}), 400
        return jsonify({"field": field, "value": _value(row["value"]), "who": row["who"]})

    return app


def serve(dataset: str | os.PathLike[str], port: int = 0, who: str | None = None) -> None:
    """Serve the review page on 127.0.0.1 (``port`` 0: any free one) until interrupted;
    prints the address first."""
    server = make_server("127.0.0.1", port, create_app(dataset, who), threaded=True)
    print(f"vanthu review: http://127.0.0.1:{server.port}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
