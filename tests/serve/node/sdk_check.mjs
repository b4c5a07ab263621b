// The AWS SDK for JavaScript v3 against lmsim serve: create a license configuration with a
// hard limit, launch against it until the limit refuses a launch, and print what happened as
// JSON. The endpoint and the account come from AWS_ENDPOINT_URL and AWS_ACCESS_KEY_ID.
import { LicenseManagerClient, CreateLicenseConfigurationCommand, GetLicenseConfigurationCommand }
  from "@aws-sdk/client-license-manager";
import { EC2Client, DescribeImagesCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";

const config = { region: "us-east-1", endpoint: process.env.AWS_ENDPOINT_URL, maxAttempts: 1 };
const lm = new LicenseManagerClient(config);
const ec2 = new EC2Client(config);

const { LicenseConfigurationArn: arn } = await lm.send(new CreateLicenseConfigurationCommand({
  Name: "node-vcpus", LicenseCountingType: "vCPU", LicenseCount: 4, LicenseCountHardLimit: true,
}));
const images = await ec2.send(new DescribeImagesCommand({
  Owners: ["amazon"], Filters: [{ Name: "name", Values: ["Windows_Server-2022-English-Full-Base-*"] }],
}));
const launch = () => ec2.send(new RunInstancesCommand({
  ImageId: images.Images[0].ImageId, InstanceType: "t3.medium", MinCount: 1, MaxCount: 1,
  LicenseSpecifications: [{ LicenseConfigurationArn: arn }],
}));
const launched = [];
let refused = null;
for (let attempt = 0; attempt < 3 && refused === null; attempt++) {
  try {
    launched.push((await launch()).Instances[0].InstanceId);
  } catch (error) {
    refused = { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  }
}
const configuration = await lm.send(new GetLicenseConfigurationCommand({ LicenseConfigurationArn: arn }));
console.log(JSON.stringify({ arn, launched, refused, consumed: configuration.ConsumedLicenses }));
