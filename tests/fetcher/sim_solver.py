"""A captcha "solver" for tests: asks the simulator for the answer a person would read.

Run by the fetcher as DW_CAPTCHA_SOLVER_CMD; the PNG arrives on stdin (ignored).
"""

import json
import os
import sys
import urllib.request

sys.stdin.buffer.read()
url = f"{os.environ['SIM_URL']}/_sim/captcha?captchaid={os.environ['DW_CAPTCHA_ID']}"
with urllib.request.urlopen(url, timeout=10) as resp:
    print(json.loads(resp.read())["answer"])
