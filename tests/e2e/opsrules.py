"""Two small rules the operator-verb tests (status, digest, import, alerts --follow)
share, so that changes to the shipped ruleset do not move their expectations."""

RULES = {
    "ops.yml": """title: Test failed login
id: 0d1e2f30-0000-4000-8000-000000000001
level: low
logsource: {product: linux}
detection:
  failed:
    message|re: 'Failed password for (?<user_name>\\S+) from (?<source_ip>[0-9.]+) port'
  condition: failed
suppress: 10m
group-by: [source.ip]
---
title: Test root login
id: 0d1e2f30-0000-4000-8000-000000000002
level: high
logsource: {product: linux}
detection:
  accepted:
    message|re: 'Accepted password for root from (?<source_ip>[0-9.]+) port'
  condition: accepted
suppress: 1h
group-by: [source.ip]
""",
}


def failed(ip, user="root"):
    return "Failed password for %s from %s port 4242 ssh2" % (user, ip)


def accepted(ip):
    return "Accepted password for root from %s port 4242 ssh2" % ip
