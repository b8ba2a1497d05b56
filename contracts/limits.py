"""Every size, length and depth limit of the system, in one place, with the reason for its number.

The chain is strictly increasing, so that whatever passes one door fits through the next:

    field limits (below)  ->  event  <  Kafka producer request  <  Kafka broker message
    HTTP body (intake): the photo travels inline as base64, but the event keeps only its metadata,
    so the HTTP body limit is much larger than the event limit.

`infra/kafka/server.properties.in` repeats KAFKA_BROKER_MESSAGE_BYTES (message.max.bytes); a unit
test checks the two agree.
"""
from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

# --- HTTP doors --------------------------------------------------------------------------------
# The notice's photo limit is "< 1 MB" (附件1 二.1; the plan file's photo.max_bytes_exclusive), so
# the largest valid photo is 1,048,575 bytes, 1,398,100 characters of base64; a larger photo is
# refused with 413 before it is decoded. The rest of the largest valid filing (the field limits
# below) is ~0.3 MB, so 2 MiB holds every valid filing with room to spare.
HTTP_BODY_MAX_BYTES_INTAKE = 2 * MIB
# Review's largest body is a batch decision: 500 items, each a short opinion. Eligibility and
# notify take no large bodies at all.
HTTP_BODY_MAX_BYTES_DEFAULT = 512 * KIB

# The photo's pixels, read from its header before anything is decoded: a JPEG under 1 MB can claim
# any size (a 380-byte file claims 15000x15000; a 390 KB one really holds 10000x10000, 576 MB when
# decoded). A 12-megapixel phone photo (4000x3000) fits within the 1 MB size bound, so 16 megapixels
# admits every real photo and nothing a phone does not take. It is also Pillow's MAX_IMAGE_PIXELS.
# (A technical limit, not the notice's: the notice sets only the minimum size.)
PHOTO_MAX_PIXELS = 16_000_000
# Statistics (the white background) come from a reduced-scale decode (JPEG's draft mode: 1/2 to 1/8
# of the size), no smaller than this many pixels on the short edge.
PHOTO_STATS_MIN_EDGE = 160

# --- Documents (intake's upload door, outside the filing body's limit) -------------------------------
# The photo's bound is the notice's ("< 1 MB", the plan's photo.max_bytes_exclusive). The notice
# sets no size for attachments: the numbers below are operator data (待运营方确认), chosen so that a
# scanned multi-page certificate fits and a season of 200 attachments cannot fill the database.
DOCUMENT_MAX_BYTES = 5 * MIB                    # one JPEG or PDF attachment
DOCUMENTS_MAX_BYTES_PER_APPLICANT = 60 * MIB    # everything one applicant keeps uploaded
DOCUMENTS_MAX_COUNT_PER_APPLICANT = 200         # = ATTACHMENTS_MAX_ITEMS, plus the photo
DOCUMENT_UPLOAD_MAX_BYTES = DOCUMENT_MAX_BYTES + 64 * KIB  # the upload request: one file and its form fields
# A draft of the filing form (intake keeps it, sealed, until the season ends): the filing itself
# is at most ~0.3 MB without its photo; a draft holds the fields typed so far.
DRAFT_MAX_BYTES = 256 * KIB

# --- Fields an applicant or reviewer writes ------------------------------------------------------
NAME_MAX_CHARS = 50                 # a person's name
TITLE_MAX_CHARS = 200               # an achievement, paper, award or title name
SHORT_TEXT_MAX_CHARS = 100          # codes, unit ids, specialties, journals
OPINION_MAX_CHARS = 2_000           # a reviewer's opinion, a return reason, an objection
# 个人述职 (self-statement): the notice gives no length; a long statement of several thousand
# characters is normal, ten thousand is generous.
STATEMENT_MAX_CHARS = 10_000
# Lists: a career of 40 years at most gives one assessment and one CE year per year; the other
# lists are what a person can plausibly cite or attach (the notice asks for "representative"
# achievements, 不宜过多过杂).
YEARS_MAX_ITEMS = 50                # annual assessments, continuing-education years, previous reviews
CITED_MAX_ITEMS = 50                # cited achievements, landmark achievements, papers, appointment letters
ATTACHMENTS_MAX_ITEMS = 200         # every certificate, proof and evidence file of one filing

# --- Events and Kafka -----------------------------------------------------------------------------
# The largest valid application event (every list and text at its limit above) is ~150 KB of JSON.
EVENT_MAX_BYTES = 256 * KIB
# One record on the wire: an event plus its envelope and headers, with room to spare. aiokafka
# refuses a larger record at send() time, before anything reaches the broker.
KAFKA_PRODUCER_MAX_REQUEST_BYTES = 1 * MIB
# The broker accepts a record batch up to this size: larger than any producer request, so a batch
# the producer builds is never refused by the broker for its size.
KAFKA_BROKER_MESSAGE_BYTES = 2 * MIB

# --- Records read from Kafka ----------------------------------------------------------------------
# Anything may be written to a topic by a buggy or hostile producer: our decoder refuses records
# larger than the broker could hold and JSON nested deeper than any envelope we write (ours are
# 6 levels deep; 32 leaves room for new optional structures, far below Python's recursion limit).
RECORD_MAX_BYTES = KAFKA_BROKER_MESSAGE_BYTES
JSON_MAX_DEPTH = 32

# --- Dead letters -----------------------------------------------------------------------------------
# A dead letter describes the record; it never carries it (a large poison would be refused by Kafka
# in turn and jam the relay that publishes dead letters).
DEAD_LETTER_PREVIEW_BYTES = 512
DEAD_LETTER_ERROR_CHARS = 1_000
