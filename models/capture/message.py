"""One e-mail message read into a :class:`Mail`: its correspondents, date, key, subject
and the words that are news (quotes, signatures and greetings left out), with the
standard library only. Pure: no database, no files.

Messages are identified by Message-ID (the same message in several folders, or read twice,
is one message); one without a Message-ID by a hash of its headers. Nothing a message
contains makes reading it fail for good: defects are kept as notes, encrypted messages are
read for their headers only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import headerregistry, policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from html.parser import HTMLParser
from typing import cast

from callsheet.models.risk.suggestions import fold


class _CapturePolicy(policy.EmailPolicy):
    """``policy.default`` for the headers capture reads; the rest are left as raw text.

    The stock policy turns every header into a parsed object each time it is read, and the
    parser reads each part's Content-Type several times while it splits the message: that
    is 85% of the time spent on a store. Message methods that use Content-Type and friends
    (get_content_type, get_param, get_body, get_content) work on the raw text as they do
    under compat32, so only the headers below go through the header registry, each value
    parsed once (the objects are immutable, so caching them is safe). Addresses are read
    with ``email.utils.getaddresses`` (see :func:`_addresses`).
    """

    PARSED = frozenset({"subject", "date", "content-disposition"})

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):
            return value
        if name.lower() in self.PARSED or _has_surrogates(value):
            return _parsed_header(self, name, value)
        return value


def _has_surrogates(value: str) -> bool:
    # bytes that were not ASCII arrive surrogate-escaped: the registry decodes them properly
    return not value.isascii() and any("\udc80" <= ch <= "\udcff" for ch in value)


class _Registry(headerregistry.HeaderRegistry):
    """The stock registry builds a new header class on every lookup; build each once."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


@lru_cache(maxsize=4096)
def _parsed_header(policy_: _CapturePolicy, name: str, value: str):
    return policy.EmailPolicy.header_fetch_parse(policy_, name, value)


_PARSER = BytesParser(policy=_CapturePolicy(header_factory=_Registry()))
#: How much of a body is scanned for suggestions: the news is at the top of a mail.
_SCAN_CHARS = 4000
_SUMMARY_LINE_CHARS = 200
_PARSE_BYTES = 256 * 1024

_ENCRYPTED_TYPES = {"multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime"}

#: A line that introduces the quoted previous message, in the languages of the lexicon.
_ATTRIBUTION = re.compile(
    r"(wrote|a scris|napisa\w*|написал\w*|пишет|schrieb|escribi\w*|a ecrit)\s*:?\s*$"
    r"|^-+\s*(original message|mesaj original|wiadomosc oryginalna|исходное сообщение)"
    # Outlook quotes nothing: a rule, then the previous message's From:/Sent: block
    r"|^_{8,}\s*$|^(from|de la|de|od|от|von)\s*:\s*\S",
    re.IGNORECASE,
)
_GREETING_WORDS = (
    "hi",
    "hello",
    "hey",
    "dear",
    "good morning",
    "good afternoon",
    "buna",
    "stimate",
    "stimata",
    "salut",
    "dzien dobry",
    "witam",
    "szanown",
    "czesc",
    "здравствуйте",
    "добрый день",
    "добрый вечер",
    "доброе утро",
    "привет",
    "уважаем",
)
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@dataclass
class Mail:
    """What callsheet reads from one message."""

    senders: list[str]
    recipients: list[str]  # To and Cc
    at: datetime | None
    key: str
    subject: str
    first_line: str
    #: subject and unquoted body, for suggestions
    text: str
    encrypted: bool = False
    defects: int = 0

    @property
    def summary(self) -> str:
        parts = [p for p in (self.subject, self.first_line) if p]
        summary = " — ".join(parts) if parts else "(no subject)"
        return summary + (" (encrypted)" if self.encrypted else "")


def _clean(text: str) -> str:
    """One line, no control characters: header and body text go into a one-line summary."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _addresses(message: EmailMessage, *names: str) -> list[str]:
    # Only the addr-spec matters here, and email.utils.getaddresses reads it from the raw
    # header many times faster than the header registry's full RFC 5322 address parser.
    values: list[str] = []
    for raw in (str(v) for name in names for v in message.get_all(name, [])):
        read = [a for _, a in getaddresses([raw]) if "@" in a]
        # a mangled header ('"Ion (broken <ion@x>'): the addresses are still in there
        values.extend(read or (m.group(0) for m in _ADDRESS.finditer(raw)))
    found = []
    for value in values:
        value = value.strip().lower()
        if "@" in value and not _ADDRESS.fullmatch(value):
            match = _ADDRESS.search(value)
            value = match.group(0) if match else ""
        if value:
            found.append(value)
    return list(dict.fromkeys(found))


def _moment(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    # "-0000" means "zone unknown" (RFC 5322): read it as UTC rather than guess.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _date(message: EmailMessage) -> datetime | None:
    """The Date header; else the newest Received stamp (the last hop to this mailbox)."""
    try:
        header = message["Date"]
        if header is not None and getattr(header, "datetime", None) is not None:
            return _moment(header.datetime)
    except Exception:  # an impossible date (hour 27) raises on some Python versions
        pass
    for received in message.get_all("Received", []):
        stamp = str(received).rpartition(";")[2].strip()
        try:
            return _moment(parsedate_to_datetime(stamp))
        except (TypeError, ValueError, IndexError):
            continue
    return None


def _message_key(message: EmailMessage) -> str:
    raw = message.get("Message-ID")
    mid = str(raw).strip() if raw is not None else ""
    found = re.search(r"<[^<>\s]+>", mid)
    if found:
        return "mid:" + found.group(0)
    if mid:
        return "mid:" + mid.split()[0]
    digest = hashlib.sha256()
    for name in ("From", "To", "Cc", "Date", "Subject"):
        for value in message.get_all(name, []):
            digest.update(name.encode() + b"\0" + str(value).encode("utf-8", "replace") + b"\0")
    return "hdr:" + digest.hexdigest()[:32]


class _HtmlText(HTMLParser):
    """The visible text of an HTML mail, a line per block: enough for a summary."""

    _BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self._skip = 0
        self._quote = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag == "blockquote":
            self._quote += 1
        if tag in self._BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag == "blockquote":
            self._quote = max(0, self._quote - 1)
        if tag in self._BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if not self._skip:
            # quoted HTML is marked like quoted text, so the same rule drops it
            self.lines[-1] += ("> " if self._quote and not self.lines[-1] else "") + data


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; this is for the truly hopeless
        return re.sub(r"<[^>]*>", " ", html)
    return "\n".join(line.strip() for line in parser.lines)


def _body_text(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except Exception:  # unknown charset, broken transfer encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return content


def _is_greeting(line: str) -> bool:
    words = line.split()
    if len(words) > 6:
        return False
    folded = fold(line)
    return line.rstrip().endswith((",", "!")) or folded.startswith(_GREETING_WORDS)


def meaningful_lines(body: str) -> list[str]:
    """The body's own lines: no quotes, no greeting, nothing after the signature or the
    line that introduces the quoted previous message."""
    lines: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if raw.rstrip("\r\n") in ("-- ", "--") or _ATTRIBUTION.search(line):
            break
        if not line or line.startswith(">") or (not lines and _is_greeting(line)):
            continue
        if set(line) <= set("-_=*~ "):
            continue
        lines.append(line)
    return lines


def read_message(data: bytes, headers_only: bool = False, head: Mail | None = None) -> Mail:
    """Parse one message (RFC 5322 bytes). Never raises for a message's content.

    ``headers_only`` stops at the header block: enough to know who wrote to whom, which
    is all a run needs for the many messages that concern no client. ``head``, the result
    of that first pass, spares reading the same headers twice.
    """
    # The text is at the top; what follows a few hundred KB is attachments, which the parser
    # would walk line by line for nothing. A message cut here is not a defect of its own.
    cut = len(data) > _PARSE_BYTES
    # A policy derived from policy.default makes the parser build EmailMessage objects.
    message = cast(
        EmailMessage,
        _PARSER.parsebytes(data[:_PARSE_BYTES] if cut else data, headersonly=headers_only),
    )
    defects = 0 if cut else len(message.defects)
    if head is None:
        try:
            subject = _clean(str(message.get("Subject", "") or ""))
        except Exception:
            subject = ""
        head = Mail(
            senders=_addresses(message, "From"),
            recipients=_addresses(message, "To", "Cc"),
            at=_date(message),
            key=_message_key(message),
            subject=subject,
            first_line="",
            text=subject,
        )
    subject = head.subject
    encrypted = message.get_content_type() in _ENCRYPTED_TYPES
    lines: list[str] = []
    if not encrypted and not headers_only:
        body = _body_text(message)
        if "-----BEGIN PGP MESSAGE-----" in body[:2000]:
            encrypted = True
        else:
            lines = meaningful_lines(body[: _SCAN_CHARS * 2])
            if body.count("\ufffd") > max(3, len(body) // 20):
                # an unknown charset or broken transfer encoding: the text is noise
                lines, defects = [], defects + 1
    first = _clean(lines[0])[:_SUMMARY_LINE_CHARS] if lines else ""
    text = subject + "\n" + "\n".join(lines)
    return Mail(
        senders=head.senders,
        recipients=head.recipients,
        at=head.at,
        key=head.key,
        subject=subject,
        first_line=first,
        text=text[:_SCAN_CHARS],
        encrypted=encrypted,
        defects=defects,
    )
