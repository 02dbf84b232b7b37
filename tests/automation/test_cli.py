"""``touchpath rules``, ``tasks`` and ``worker --once`` end to end on a small workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from automation.helpers import add_events, make_workspace
from automation.servers import Receiver
from cli_support import run, run_json
from touchpath.store.automation import TaskRow
from touchpath.store.db import create_engine

RULES = """\
- name: lead_callback
  title: Заявка с сайта → перезвонить
  language: ru
  trigger: {kind: event, event_name: [form_filled], touchpoint: [callback_form]}
  actions:
    - kind: task
      title: {ru: "Перезвонить: {{ customer.name }}", en: "Call back {{ customer.name }}"}
      due_minutes: 15
    - kind: sms
      text: {ru: "{{ customer.name }}, мы перезвоним за 15 минут", en: "We will call you soon"}
- name: order_webhook
  trigger: {kind: event, event_name: [order_status]}
  actions:
    - kind: webhook
      url: http://127.0.0.1:9/hook
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    make_workspace(tmp_path / "ws", f"sqlite:///{tmp_path / 'ws.db'}")
    return tmp_path / "ws"


def test_add_list_show_preview_export_import(ws: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    assert run_json("-w", str(ws), "rules", "add", str(rules)) == {
        "added": ["lead_callback", "order_webhook"]
    }
    listed = run_json("-w", str(ws), "rules", "list")
    assert [(r["name"], r["trigger"], r["actions"]) for r in listed] == [
        ("lead_callback", "event", ["task", "sms"]),
        ("order_webhook", "event", ["webhook"]),
    ]
    code, _out, err = run("-w", str(ws), "rules", "add", str(rules))
    assert code == 1 and "exists already" in err and "Traceback" not in err
    preview = run_json("-w", str(ws), "rules", "preview", "lead_callback")
    assert preview[0]["title"] == "Перезвонить: Анна Смирнова"
    assert preview[1]["text"] == "Анна Смирнова, мы перезвоним за 15 минут"
    en = run_json("-w", str(ws), "rules", "preview", "lead_callback", "--language", "en")
    assert en[0]["title"] == "Call back John Smith"
    assert (
        run_json("-w", str(ws), "rules", "edit", "order_webhook", "--disable")["enabled"] is False
    )
    exported = tmp_path / "out.yaml"
    code, _out, err = run("-w", str(ws), "rules", "export", "-o", str(exported))
    assert code == 0, err
    assert "Перезвонить" in exported.read_text(encoding="utf-8")
    assert run_json("-w", str(ws), "rules", "import", str(exported)) == {"added": 0, "updated": 2}
    assert run_json("-w", str(ws), "rules", "remove", "order_webhook") == {
        "removed": "order_webhook"
    }
    assert [r["name"] for r in run_json("-w", str(ws), "rules", "list")] == ["lead_callback"]


def test_bad_files_give_one_line_errors(ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULES.replace("due_minutes: 15", "due_minutes: soon"), encoding="utf-8")
    code, _out, err = run("-w", str(ws), "rules", "import", str(bad))
    assert code == 1
    assert f"{bad}:8: 0.actions.0.due_minutes:" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert run_json("-w", str(ws), "rules", "list") == []  # nothing half-imported
    evil = tmp_path / "evil.yaml"
    evil.write_text(RULES.replace("{{ customer.name }}, мы", "{{ ''.__class__ }}, мы"), "utf-8")
    run("-w", str(ws), "rules", "add", str(evil))  # compiles; refused when rendered
    shown = run_json("-w", str(ws), "rules", "preview", "lead_callback")
    assert "unsafe" in shown[1]["errors"]["text"]


def test_worker_once_fires_and_delivers_then_tasks_flow(
    ws: Path, tmp_path: Path, receiver: Receiver
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    run_json("-w", str(ws), "rules", "add", str(rules))
    run_json("-w", str(ws), "rules", "settings", "--set", f"sms.url={receiver.url}/sms")
    assert run_json("-w", str(ws), "worker", "--once")["fired"]["matched"] == 0
    from automation.helpers import T0
    from touchpath.workspace import find_workspace

    add_events(
        find_workspace(ws),
        [
            {
                "event_id": "x1",
                "customer_id": "c1",
                "ts": T0,
                "event_name": "form_filled",
                "touchpoint": "callback_form",
                "seq": 10,
            },
        ],
    )
    done = run_json("-w", str(ws), "worker", "--once")
    assert done["fired"] == {"matched": 1, "tasks": 1, "messages": 1, "failed": 0}
    assert done["delivered"]["sent"] == 1
    [(_path, _key, body, _h)] = receiver.requests
    assert body["to"] == "+79001112233"
    assert body["text"] == "Анна, мы перезвоним за 15 минут"
    [task] = run_json("-w", str(ws), "tasks", "list", "--manager", "Анна Смирнова")
    assert (task["title"], task["sla"]) == ("Перезвонить: Анна", "open")
    assert run_json("-w", str(ws), "tasks", "done", str(task["id"]))["status"] == "done"
    assert run_json("-w", str(ws), "tasks", "sla")["met"] == 1
    [kpi] = run_json("-w", str(ws), "tasks", "response-times")
    assert (kpi["touchpoint"], kpi["manager"], kpi["n"]) == ("callback_form", "Анна Смирнова", 1)
    assert run_json("-w", str(ws), "rules", "outbox")["counts"]["sms"]["sent"] == 1
    code, _o, err = run("-w", str(ws), "tasks", "done", "999")
    assert code == 1 and "no task 999" in err
    engine = create_engine(f"sqlite:///{tmp_path / 'ws.db'}")
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(TaskRow)) == 1
    engine.dispose()


def test_document_rule_makes_html_and_pdf(ws: Path, tmp_path: Path) -> None:
    rules = tmp_path / "doc.yaml"
    rules.write_text(
        """\
name: visit_act
trigger: {kind: event, event_name: [consultation]}
actions:
  - kind: document
    name: Акт оказанных услуг
    template:
      ru: "<h1>Акт № {{ event.event_id }}</h1><p>{{ customer.name }}: {{
        event.value | money('RUB', 'ru') }}</p>"
      en: "<h1>Certificate {{ event.event_id }}</h1><p>{{ customer.name }}</p>"
""",
        encoding="utf-8",
    )
    run_json("-w", str(ws), "rules", "add", str(rules))
    run_json("-w", str(ws), "worker", "--once")
    from automation.helpers import T0
    from touchpath.workspace import find_workspace

    add_events(
        find_workspace(ws),
        [
            {
                "event_id": "v1",
                "customer_id": "c1",
                "ts": T0,
                "event_name": "consultation",
                "touchpoint": "phone",
                "seq": 20,
                "value": 2500.0,
                "currency": "RUB",
            },
            {
                "event_id": "v2",
                "customer_id": "c2",
                "ts": T0,
                "event_name": "consultation",
                "touchpoint": "phone",
                "seq": 21,
                "value": 90.0,
                "currency": "RUB",
            },
        ],
    )
    done = run_json("-w", str(ws), "worker", "--once")
    assert done["delivered"]["sent"] == 2
    folder = tmp_path / "docs"
    listed = run_json("-w", str(ws), "rules", "documents", "--save", str(folder))
    assert [(d["customer_id"], d["has_pdf"]) for d in listed] == [("c2", True), ("c1", True)]
    html = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    ru = next(text for text in html.values() if "v1" in text)
    assert "<h1>Акт № v1</h1><p>Анна: 2\xa0500,00\xa0₽</p>" in ru
    assert '<html lang="ru">' in ru
    en = next(text for text in html.values() if "v2" in text)
    assert "<h1>Certificate v2</h1><p>John</p>" in en
    pdfs = list(folder.glob("*.pdf"))
    assert len(pdfs) == 2 and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
