"""moto's server with scripted SSM command output, for warroom's tests.

moto accepts SendCommand but answers GetCommandInvocation with empty output. This launcher
patches that one method: when WARROOM_SSM_SCRIPT names a JSON file, each invocation takes the
first rule whose "instance" ("*" for any) and "contains" (a substring of the joined commands)
match, and answers its "stdout", "stderr" and "code" (non-zero makes the status Failed).

moto has no DescribeInstanceInformation; the launcher adds it, answering from moto's own EC2
instances: every running instance is taken as managed by SSM and Online, and "tag:KEY" filters
select by the instance's EC2 tags, as SSM does.

Everything else is moto as installed. Arguments are moto_server's.
"""
import json
import os
import sys

from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.server import main
from moto.ssm import models
from moto.ssm.responses import SimpleSystemManagerResponse

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


def _describe_instance_information(self):
    filters = self._get_param("Filters", []) or []
    by_tag = {f["Key"]: f["Values"] for f in filters if f["Key"].startswith("tag:")}
    ec2 = ec2_backends[self.current_account][self.region]
    found = []
    for reservation in ec2.all_reservations(filters=by_tag or None):
        for instance in reservation.instances:
            if instance.state != "running":
                continue
            found.append(
                {
                    "InstanceId": instance.id,
                    "PingStatus": "Online",
                    "PlatformType": "Linux",
                    "ResourceType": "EC2Instance",
                }
            )
    return ActionResult({"InstanceInformationList": found})


SimpleSystemManagerResponse.describe_instance_information = _describe_instance_information

if __name__ == "__main__":
    sys.exit(main())
