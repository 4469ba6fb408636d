"""The one-line scripts that let a softphone or a PBX call ``callsheet ring`` itself.

Twinkle runs a script of the user's choice on call events, with the SIP headers in its
environment (``TWINKLE_TRIGGER``, ``SIP_FROM_USER``, ``SIP_FROM_HOST``, ``SIP_CALL_ID``)
and shows a ``caller_name=`` line the script prints; Asterisk's AGI hands a script its
``agi_*`` variables on standard input, one a line, up to an empty line, and reads AGI
commands from its standard output (so ``callsheet ring`` must print nothing there). Both
texts are shown by ``callsheet ring --help`` and the README (a test keeps them the same).
"""

from __future__ import annotations

#: Twinkle: Edit > User profile > Scripts, for the incoming-call triggers and the releases.
TWINKLE_SCRIPT = (
    "#!/bin/sh\n"
    "case $TWINKLE_TRIGGER in in_call) e=ringing;; in_call_answered) e=answered;; "
    "in_call_failed) e=missed;; *) e=ended;; esac; printf 'caller_name=%s\\n' "
    '"$(callsheet ring "sip:$SIP_FROM_USER@$SIP_FROM_HOST" --event $e --source twinkle '
    '--call "$SIP_CALL_ID" 2>/dev/null)"\n'
)

#: Asterisk: ``same => n,AGI(callsheet-ring)`` before Dial(); the ring runs in the
#: background so the call is never held up.
ASTERISK_AGI_SCRIPT = (
    "#!/bin/sh\n"
    'while IFS= read -r l && [ -n "$l" ]; do case $l in agi_callerid:*) n=${l#agi_callerid: };; '
    'esac; done; callsheet ring "$n" --source asterisk >/dev/null 2>&1 &\n'
)

RING_EPILOG = f"""example:
  callsheet ring "sip:+40721234567@sip.example.net" --source baresip --json

Twinkle (Edit > User profile > Scripts: "Incoming call", "Incoming call answered",
"Incoming call failed", "Local release", "Remote release"), saved as an executable file:
{TWINKLE_SCRIPT.rstrip()}

Asterisk AGI (in /var/lib/asterisk/agi-bin/callsheet-ring, executable; in the dialplan
`same => n,AGI(callsheet-ring)` before Dial):
{ASTERISK_AGI_SCRIPT.rstrip()}

KDE Connect, baresip and ModemManager: `callsheet listen --help`."""
