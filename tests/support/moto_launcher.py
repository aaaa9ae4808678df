"""moto's server with scripted SSM command output, for warroom's tests.

moto accepts SendCommand but answers GetCommandInvocation with empty output. This launcher
patches that one method: when WARROOM_SSM_SCRIPT names a JSON file, each invocation takes the
first rule whose "instance" ("*" for any) and "contains" (a substring of the joined commands)
match, and answers its "stdout", "stderr" and "code" (non-zero makes the status Failed).
Everything else is moto as installed. Arguments are moto_server's.
"""
import json
import os
import sys

from moto.server import main
from moto.ssm import models

_original = models.Command.invocation_response


def _rules():
    path = os.environ.get("WARROOM_SSM_SCRIPT")
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def _scripted(self, instance_id, plugin_name):
    response = _original(self, instance_id, plugin_name)
    commands = " ; ".join((self.parameters or {}).get("commands", []))
    for rule in _rules():
        if rule.get("instance", "*") in ("*", instance_id) and rule["contains"] in commands:
            code = int(rule.get("code", 0))
            response["StandardOutputContent"] = rule.get("stdout", "")
            response["StandardErrorContent"] = rule.get("stderr", "")
            response["ResponseCode"] = code
            if code != 0:
                response["Status"] = "Failed"
                response["StatusDetails"] = "Failed"
            break
    return response


models.Command.invocation_response = _scripted

if __name__ == "__main__":
    sys.exit(main())
