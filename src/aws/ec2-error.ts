/** An EC2 call that failed, with a message that says what to fix; `code` is EC2's error code. */
export class Ec2Error extends Error {
  constructor(
    message: string,
    readonly action: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "Ec2Error";
  }
}

interface SdkErrorLike {
  name?: string;
  /** Node's network error code (ECONNREFUSED, ENOTFOUND, ...). */
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { attempts?: number; httpStatusCode?: number };
}

const PERMISSIONS_DOC = "docs/aws.md lists the exact permissions";

/**
 * Turn an error from the AWS SDK into one sentence that names the EC2 action and the fix.
 * EC2's own message is kept when it helps (it names the bad parameter); an encoded
 * authorization message is not printed, only how to decode it.
 */
export function explainEc2Error(action: string, cause: unknown): Ec2Error {
  if (cause instanceof Ec2Error) return cause;
  const error = (cause ?? {}) as SdkErrorLike;
  const network = /^E[A-Z]+$/.test(error.code ?? "") ? error.code : undefined;
  const code = error.Code ?? network ?? error.name ?? "Error";
  const said = (error.message ?? "").split("Encoded authorization failure message:")[0]!.trim();
  const permission = `ec2:${action}`;
  const attempts = error.$metadata?.attempts;
  let message: string;
  switch (code) {
    case "UnauthorizedOperation":
    case "AccessDenied":
    case "AccessDeniedException":
      message = `the AWS credentials may not call ${permission} (${code}): grant it to the role kaws runs as (${PERMISSIONS_DOC}); \`aws sts decode-authorization-message\` explains EC2's encoded reason`;
      break;
    case "AuthFailure":
    case "InvalidClientTokenId":
    case "SignatureDoesNotMatch":
    case "ExpiredToken":
    case "RequestExpired":
      message = `AWS did not accept the credentials for ${permission} (${code}): check the role or keys in the environment, and the clock`;
      break;
    case "RequestLimitExceeded":
    case "Throttling":
    case "ThrottlingException":
      message = `EC2 is throttling ${permission} (${code})${attempts ? ` after ${attempts} attempts` : ""}: run again in a few minutes; AWS_MAX_ATTEMPTS raises the retries`;
      break;
    case "DryRunOperation":
      message = `${permission} was a dry run (DryRunOperation): the request would have succeeded, nothing was changed`;
      break;
    case "InvalidVpcID.NotFound":
      message = `EC2 says the VPC does not exist (${code}) in ${permission}: fix vpc_id or region in cluster.yml`;
      break;
    case "InvalidSubnetID.NotFound":
    case "InvalidSubnet":
      message = `EC2 refused a subnet (${code}) in ${permission}: ${said} — fix subnet_ids in cluster.yml`;
      break;
    case "InvalidAMIID.NotFound":
    case "InvalidAMIID.Malformed":
      message = `EC2 refused the AMI (${code}) in ${permission}: ${said} — fix ami in cluster.yml (AMIs are per region)`;
      break;
    case "InvalidKeyPair.NotFound":
      message = `EC2 has no such key pair (${code}) in ${permission}: ${said} — fix key_name in cluster.yml or create the key pair in this region`;
      break;
    case "InvalidGroup.Duplicate":
      message = `${permission}: ${said} (${code}): a group with kaws's name exists without the kaws:cluster and kaws:role tags; tag it so kaws manages it, or delete it`;
      break;
    case "CredentialsProviderError":
      message = `no AWS credentials found for ${permission}: set them the standard way (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the workflow's role)`;
      break;
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "ETIMEDOUT":
    case "ECONNRESET":
    case "EAI_AGAIN":
    case "TimeoutError":
      message = `could not reach EC2 for ${permission} (${code}): check the network, the region, and AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL if set`;
      break;
    default:
      message = `EC2 refused ${permission} (${code}${error.$metadata?.httpStatusCode ? `, HTTP ${error.$metadata.httpStatusCode}` : ""}): ${said || "no message"}`;
  }
  return new Ec2Error(message, action, code);
}

/** Make one EC2 call; any failure becomes an `Ec2Error` naming the action. */
export async function callEc2<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw explainEc2Error(action, cause);
  }
}
