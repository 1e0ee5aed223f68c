#!/usr/bin/env python3
"""Totals of the Surefire and Failsafe reports under the reactor's modules.

Prints one line per module and suite kind (tests, failures, skips, minutes), each skipped test
with its reason, then the closing
line `tests: N passed, N failed, N skipped`, so a CI log says what ran even when Maven stopped
early. Reads only target/*-reports/TEST-*.xml, which both plugins write.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else "."
totals = {"tests": 0, "failed": 0, "skipped": 0}
rows = []
skips = []
for kind, folder in (("unit (surefire)", "surefire-reports"), ("IT (failsafe)", "failsafe-reports")):
    for module_dir in sorted(glob.glob(os.path.join(root, "*", "target", folder))):
        module = module_dir.split(os.sep)[-3]
        tests = failed = skipped = 0
        seconds = 0.0
        for report in glob.glob(os.path.join(module_dir, "TEST-*.xml")):
            suite = ET.parse(report).getroot()
            tests += int(suite.get("tests", 0))
            failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
            seconds += float(suite.get("time", 0) or 0)
            for case in suite.iter("testcase"):
                skipped_tag = case.find("skipped")
                if skipped_tag is not None:
                    # Surefire keeps the reason as the message, or as the exception's first line.
                    text = skipped_tag.get("message") or (skipped_tag.text or "").split("\n")[0]
                    reason = text.split("Exception: ", 1)[-1].strip() or "no reason given"
                    name = case.get("name", "").split("(")[0]
                    skips.append("%s.%s: %s" % (case.get("classname", "").split(".")[-1],
                                                name, reason))
        rows.append((module, kind, tests, failed, skipped, seconds))
        totals["tests"] += tests
        totals["failed"] += failed
        totals["skipped"] += skipped

print(f"{'module':<16}{'suite':<18}{'tests':>7}{'failed':>8}{'skipped':>9}{'minutes':>9}")
for module, kind, tests, failed, skipped, seconds in rows:
    print(f"{module:<16}{kind:<18}{tests:>7}{failed:>8}{skipped:>9}{seconds / 60:>9.1f}")
if skips:
    print("skipped, and why:")
    for line in skips:
        print("  " + line)
# The real-node scenarios' one-line figures (ClusterE2EIT prints them; failsafe keeps test output).
scenario_lines = []
for report in sorted(glob.glob(os.path.join(root, "*", "target", "failsafe-reports", "*-output.txt"))):
    with open(report, encoding="utf-8", errors="replace") as f:
        scenario_lines += [l.rstrip() for l in f if l.startswith("[cluster-e2e]")]
if scenario_lines:
    print("real-node scenarios (ClusterE2EIT):")
    for line in scenario_lines:
        print("  " + line)
passed = totals["tests"] - totals["failed"] - totals["skipped"]
print(f"tests: {passed} passed, {totals['failed']} failed, {totals['skipped']} skipped")
