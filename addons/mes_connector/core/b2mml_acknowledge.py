# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""B2MML verb model (ISA-95 Part 5): a ProcessOperationsPerformance whose Process
verb asks for it (acknowledgeCode "Always", or "OnError" when refused) is answered
with an AcknowledgeOperationsPerformance once Odoo has applied or refused the
event: the original ApplicationArea, a ChangeStatus (Accepted / Rejected, with
the reason) and the performance, response and segment ids it answers."""

from .b2mml import NS, sub, verb_document

ALWAYS = "Always"
ON_ERROR = "OnError"


def _text(element, path):
    found = element.find(path, {"b": NS})
    return (found.text or "").strip() if found is not None and found.text else None


def acknowledgement_request(root):
    """What an inbound document asks to be acknowledged: {"code", ids...} or None
    when its verb asks for nothing (no acknowledgeCode, or a Sync/Change verb)."""
    process = root.find("b:DataArea/b:Process", {"b": NS})
    code = process.get("acknowledgeCode") if process is not None else None
    if code not in (ALWAYS, ON_ERROR):
        return None
    performance = "b:DataArea/b:OperationsPerformance"
    response = f"{performance}/b:OperationsResponse"
    return {
        "code": code,
        "document_id": _text(root, "b:ApplicationArea/b:BODID"),
        "original_sender": _text(root, "b:ApplicationArea/b:Sender/b:LogicalID"),
        "original_created_at": _text(root, "b:ApplicationArea/b:CreationDateTime"),
        "performance_id": _text(root, f"{performance}/b:ID"),
        "response_id": _text(root, f"{response}/b:ID"),
        "event_id": _text(root, f"{response}/b:SegmentResponse/b:ID"),
    }


def wanted(request, accepted):
    return bool(request) and (request["code"] == ALWAYS or not accepted)


def render_acknowledge(payload, envelope):
    """mes.performance.acknowledged payload -> AcknowledgeOperationsPerformance."""
    root, data_area = verb_document(
        "AcknowledgeOperationsPerformance", "Acknowledge", envelope
    )
    acknowledge = data_area[0]
    original = sub(acknowledge, "OriginalApplicationArea")
    if payload.get("original_sender"):
        sub(sub(original, "Sender"), "LogicalID", payload["original_sender"])
    sub(
        original,
        "CreationDateTime",
        payload.get("original_created_at") or envelope["created_at"],
    )
    if payload.get("document_id"):
        sub(original, "BODID", payload["document_id"])
    status = sub(sub(acknowledge, "ResponseCriteria"), "ChangeStatus")
    sub(status, "Code", "Accepted" if payload["status"] == "accepted" else "Rejected")
    if payload.get("reason"):
        sub(status, "Description", payload["reason"][:1000])
    performance = sub(data_area, "OperationsPerformance")
    sub(performance, "ID", payload.get("performance_id") or payload["ordering_key"])
    response = sub(performance, "OperationsResponse")
    sub(response, "ID", payload.get("response_id") or payload["ordering_key"])
    sub(response, "OperationsRequestID", payload["ordering_key"])
    segment = sub(response, "SegmentResponse")
    sub(segment, "ID", payload.get("event_id") or str(payload["sequence"]))
    return root
