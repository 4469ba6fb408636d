"""callsheet's user interface: the Textual dashboard and the ``callsheet`` command line.

Textual caps screen updates at 60 per second by default, which alone adds up to a frame
(17 ms) between a worker's result and its picture; 120 halves that wait. A user's own
``TEXTUAL_FPS`` still wins. Set here, before anything imports Textual.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
