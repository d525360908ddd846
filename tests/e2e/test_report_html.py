"""Scenario: the HTML report as a person sees it, in headless Chromium.

The attack week is imported, `report --format html` writes the page, and
Chromium (Debian's `chromium`; scripts/deps installs it) renders it from a
file:// URL with the network and background services off:
- the screenshot (1024x3000) exists and is not blank: many distinct colours,
  and the chart colours (denied red, allowed green) and a severity colour are
  on it;
- Chromium logged no console error and no failed resource load (the page
  loads nothing);
- the rendered DOM (--dump-dom) has the SVG charts with their bars, the
  section headings, and no script.
The same for the Japanese page's DOM.  When chromium is not installed and
cannot be installed here, the test says SKIP and why.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import fail, passed  # noqa: E402
from pngread import colours, decode  # noqa: E402
from reportweek import install, report  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio"]
# what the page itself may not cause; Chromium's own complaints about D-Bus etc. are not the page's
PAGE_ERROR = re.compile(r"CONSOLE|Uncaught|net::ERR_|Failed to load resource|Refused to|"
                        r"Not allowed to load", re.I)


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    # not there: try to install it, as scripts/deps would (root, or sudo without a password)
    if shutil.which("apt-get"):
        cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]
        if os.geteuid() != 0:
            cmd = ["sudo", "-n"] + cmd
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                               env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            if r.returncode == 0:
                return shutil.which("chromium")
            print("chromium could not be installed: " + (r.stderr.strip().splitlines() or ["?"])[-1])
        except (OSError, subprocess.TimeoutExpired) as e:
            print("chromium could not be installed: %s" % e)
    return None


def chromium(exe, tmp, url, *extra):
    prof = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    r = subprocess.run([exe] + FLAGS + ["--user-data-dir=" + prof, "--enable-logging=stderr",
                                        "--v=0"] + list(extra) + [url],
                       capture_output=True, text=True, timeout=60, errors="replace")
    return r


def main():
    exe = find_chromium()
    if exe is None:
        print("SKIP: headless Chromium is not installed and could not be installed "
              "(apt-get install chromium); the HTML report was not rendered")
        return
    t0 = time.monotonic()
    tmp, cfg = install()
    page = os.path.join(tmp, "report.html")
    report(cfg, "--since", "2026-11-02", "--until", "2026-11-09", "--format", "html", "-o", page)
    url = "file://" + page
    shot = os.path.join(tmp, "report.png")
    r = chromium(exe, tmp, url, "--screenshot=" + shot, "--window-size=1024,3000")
    errors = [l for l in r.stderr.splitlines() if PAGE_ERROR.search(l)]
    if errors:
        fail("the page caused errors in Chromium:\n" + "\n".join(errors[:10]))
    if not os.path.exists(shot):
        fail("no screenshot (exit %d):\n%s" % (r.returncode, r.stderr[-2000:]))
    w, h, bpp, rows = decode(shot)
    if (w, h) != (1024, 3000):
        fail("screenshot is %dx%d" % (w, h))
    seen = colours(rows, bpp)
    if len(seen) < 50:
        fail("the screenshot looks blank: %d colours" % len(seen))

    def near(rgb):
        return any(all(abs(c[i] - rgb[i]) <= 12 for i in range(3)) for c in seen)
    for name, rgb in (("denied bars", (0xe5, 0x39, 0x35)), ("allowed bars", (0x43, 0xa0, 0x47)),
                      ("critical badge", (0x7b, 0x1f, 0xa2))):
        if not near(rgb):
            fail("the screenshot lacks the colour of the %s" % name)

    for lang, heads in (("en", ("Events per day", "Alerts by severity", "Incidents and what to do",
                                "Log sources and silent periods")),
                        ("ja", ("日別ログ件数", "重要度別アラート", "インシデントと対処方法"))):
        if lang == "ja":
            report(cfg, "--since", "2026-11-02", "--until", "2026-11-09", "--format", "html",
                   "--lang", "ja", "-o", page)
        r = chromium(exe, tmp, url, "--dump-dom")
        dom = r.stdout
        if r.returncode != 0 or "</html>" not in dom:
            fail("--dump-dom failed (%d):\n%s" % (r.returncode, r.stderr[-2000:]))
        if dom.count("<svg") < 3 or dom.count("<rect") < 20 or "<script" in dom:
            fail("%s: the rendered page lacks its charts (%d svg, %d rect)" %
                 (lang, dom.count("<svg"), dom.count("<rect")))
        for want in heads:
            if want not in dom:
                fail("%s: the rendered page lacks %r" % (lang, want))
    passed("HTML report rendered in headless Chromium (%d colours, %.1f s)" %
           (len(seen), time.monotonic() - t0))


if __name__ == "__main__":
    main()
