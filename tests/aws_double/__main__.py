"""``python -m tests.aws_double ENGINE_ADDRESS``: serve the AWS provider double over Pulumi's gRPC protocol."""

import sys
from importlib.metadata import version

from tests.aws_double.provider import AwsDouble
from tests.aws_double.server import main

if __name__ == "__main__":
    # The version of the installed pulumi-aws, the plugin version its SDK asks for.
    main(sys.argv[1:], version("pulumi_aws"), AwsDouble())
