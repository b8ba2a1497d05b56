"""Which event types are integration events: another service reacts to them (their shape is a
promise across a boundary, changed only with a new version and an upcaster). Every other event
type is internal to the service that records it, even though it travels on that service's topic
today (ARCHITECTURE.md "Integration events and internal events"). A unit test derives this set
from the services' reaction tables, so a new cross-service reaction fails until it is listed here.
"""
from __future__ import annotations

INTEGRATION_EVENTS: dict[str, tuple[str, ...]] = {  # event type -> the services that react to it
    "ApplicationSubmitted": ("eligibility", "notify", "review"),
    "ApplicationResubmitted": ("eligibility", "notify", "review"),
    "ApplicationWithdrawn": ("review",),
    "EligibilityAssessed": ("notify", "review"),
    "ArchiveEntryAdded": ("intake",),
    "ArchiveEntryApproved": ("intake",),
    "ArchiveEntryRejected": ("intake",),
    "UnitAuthorized": ("intake", "notify"),
    "Returned": ("intake", "notify"),
    "CaseOpened": ("notify",),
    "CaseMovedTo": ("notify",),
    "UnitApproved": ("notify",),
    "UnitRejected": ("notify",),
    "PublicNoticeStarted": ("notify",),
    "PublicNoticeCompleted": ("notify",),
    "ObjectionResolved": ("notify",),
    "DepartmentApproved": ("notify",),
    "DepartmentRejected": ("notify",),
    "HRBureauRecommended": ("notify",),
    "InterviewScheduled": ("notify",),
    "InterviewResultRecorded": ("notify",),
    "FeeRequested": ("notify",),
    "ForwardedToCommittee": ("notify",),
    "ClosedOverdue": ("notify",),
}
