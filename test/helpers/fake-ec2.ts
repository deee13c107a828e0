import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";

/**
 * A stateful fake of the EC2 Query API on 127.0.0.1: the actions `kaws provision` uses, form-encoded
 * requests in, XML shaped like EC2's out (the AWS SDK parses it), EC2's error codes and DryRun.
 * Instances start pending and run after `pendingPolls` DescribeInstances calls; terminated ones
 * pass through shutting-down.
 */
export interface FakeRule {
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  source: { kind: "cidr" | "ipv6" | "prefix" | "group"; value: string };
}
export interface FakeGroup {
  groupId: string;
  name: string;
  description: string;
  vpcId: string;
  tags: Record<string, string>;
  ingress: FakeRule[];
}
export interface FakeInstance {
  instanceId: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  keyName: string | null;
  groupIds: string[];
  tags: Record<string, string>;
  state: "pending" | "running" | "shutting-down" | "terminated" | "stopped";
  polls: number;
  userData: string | null;
  httpTokens: string | null;
  launchTime: Date;
}
export interface FakeCall {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly dryRun: boolean;
}

interface Failure {
  code: string;
  status: number;
  times: number;
}

const STATE_CODES = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopped: 80 };
const MUTATING = new Set([
  "CreateSecurityGroup",
  "AuthorizeSecurityGroupIngress",
  "RevokeSecurityGroupIngress",
  "RunInstances",
  "TerminateInstances",
]);

class Ec2Fault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class FakeEc2 {
  readonly vpcs = new Set(["vpc-0abc1234"]);
  readonly subnets = new Set(["subnet-0abc1234", "subnet-0def5678"]);
  readonly amis = new Set(["ami-0abc1234"]);
  readonly keyPairs = new Set(["ops"]);
  readonly groups = new Map<string, FakeGroup>();
  readonly instances = new Map<string, FakeInstance>();
  readonly calls: FakeCall[] = [];
  /** Actions the credentials may not call: UnauthorizedOperation, also for a DryRun. */
  readonly denied = new Set<string>();
  /** After each mutating call: how many instances of each role run. */
  readonly runningAfterEachChange: { action: string; running: Record<string, number> }[] = [];
  pendingPolls = 1;
  /** Results per page of DescribeInstances and DescribeSecurityGroups (EC2 pages large answers). */
  pageSize = Number.POSITIVE_INFINITY;
  private readonly failures = new Map<string, Failure>();
  private server = createServer((req, res) => void this.handle(req, res));
  url = "";

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Make `action` fail with EC2 error `code` the next `times` times (HTTP 503 for throttling). */
  fail(action: string, code: string, times = Number.POSITIVE_INFINITY): void {
    const status = code === "RequestLimitExceeded" ? 503 : code === "UnauthorizedOperation" ? 403 : 400;
    this.failures.set(action, { code, status, times });
  }

  /** A security group made by hand (as a person in the console would). */
  addGroup(group: Omit<FakeGroup, "groupId" | "ingress"> & { ingress?: FakeRule[] }): FakeGroup {
    const made = { groupId: this.id("sg"), ingress: [], ...group };
    this.groups.set(made.groupId, made);
    return made;
  }

  groupByName(name: string): FakeGroup | undefined {
    return [...this.groups.values()].find((g) => g.name === name);
  }

  live(role: string): FakeInstance[] {
    return [...this.instances.values()].filter(
      (i) => i.tags["kaws:role"] === role && i.state !== "terminated" && i.state !== "shutting-down",
    );
  }

  actions(): string[] {
    return this.calls.filter((c) => !c.dryRun).map((c) => c.action);
  }

  private id(prefix: string): string {
    return `${prefix}-${randomBytes(8).toString("hex").slice(0, 17)}`;
  }

  private page<T>(items: T[], p: Record<string, string>): { items: T[]; next: string } {
    const start = Number(p.NextToken ?? 0);
    const end = start + this.pageSize;
    return { items: items.slice(start, end), next: end < items.length ? xml("nextToken", String(end)) : "" };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    const action = params.Action ?? "";
    const dryRun = params.DryRun === "true";
    this.calls.push({ action, params, dryRun });
    try {
      if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 "))
        throw new Ec2Fault(
          "AuthFailure",
          "AWS was not able to validate the provided access credentials",
          401,
        );
      if (this.denied.has(action))
        throw new Ec2Fault("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);
      const failure = this.failures.get(action);
      if (failure !== undefined && failure.times > 0) {
        failure.times -= 1;
        throw new Ec2Fault(failure.code, `injected ${failure.code}`, failure.status);
      }
      if (dryRun && MUTATING.has(action))
        throw new Ec2Fault("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
      const body = this.act(action, params);
      if (MUTATING.has(action)) {
        const running: Record<string, number> = {};
        for (const i of this.instances.values())
          if (i.state === "running")
            running[i.tags["kaws:role"] ?? ""] = (running[i.tags["kaws:role"] ?? ""] ?? 0) + 1;
        this.runningAfterEachChange.push({ action, running });
      }
      res.writeHead(200, { "content-type": "text/xml;charset=UTF-8" });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${randomUUID()}</requestId>${body}</${action}Response>`,
      );
    } catch (cause) {
      const fault = cause instanceof Ec2Fault ? cause : new Ec2Fault("InternalError", String(cause), 500);
      res.writeHead(fault.status, { "content-type": "text/xml;charset=UTF-8" });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${fault.code}</Code><Message>${escape(fault.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
      );
    }
  }

  private act(action: string, p: Record<string, string>): string {
    switch (action) {
      case "DescribeVpcs": {
        const ids = list(p, "VpcId");
        for (const id of ids)
          if (!this.vpcs.has(id))
            throw new Ec2Fault("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`);
        return xml(
          "vpcSet",
          ids.map((vpcId) => ({ vpcId, state: "available", cidrBlock: "10.0.0.0/16" })),
        );
      }
      case "DescribeSecurityGroups": {
        const ids = list(p, "GroupId");
        const groups = [...this.groups.values()].filter(
          (g) =>
            (ids.length === 0 || ids.includes(g.groupId)) &&
            matches(p, (name) =>
              name === "vpc-id" ? [g.vpcId] : name === "group-name" ? [g.name] : tagFilter(name, g.tags),
            ),
        );
        const page = this.page(groups, p);
        return xml("securityGroupInfo", page.items.map(groupXml)) + page.next;
      }
      case "CreateSecurityGroup": {
        const vpcId = p.VpcId ?? "";
        if (!this.vpcs.has(vpcId))
          throw new Ec2Fault("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
        const name = p.GroupName ?? "";
        if ([...this.groups.values()].some((g) => g.vpcId === vpcId && g.name === name))
          throw new Ec2Fault(
            "InvalidGroup.Duplicate",
            `The security group '${name}' already exists for VPC '${vpcId}'`,
          );
        const group = this.addGroup({
          name,
          description: p.GroupDescription ?? "",
          vpcId,
          tags: tagsFor(p, "security-group"),
        });
        return xml("return", true) + xml("groupId", group.groupId);
      }
      case "AuthorizeSecurityGroupIngress":
      case "RevokeSecurityGroupIngress": {
        const group = this.groups.get(p.GroupId ?? "");
        if (group === undefined)
          throw new Ec2Fault("InvalidGroup.NotFound", `The security group '${p.GroupId}' does not exist`);
        const rules = permissions(p);
        const key = (r: FakeRule) => JSON.stringify(r);
        if (action === "AuthorizeSecurityGroupIngress") {
          for (const rule of rules) {
            if (rule.source.kind === "cidr" && isIP(rule.source.value.split("/")[0]!) !== 4)
              throw new Ec2Fault("InvalidParameterValue", `CIDR block ${rule.source.value} is malformed`);
            if (rule.source.kind === "ipv6") {
              if (isIP(rule.source.value.split("/")[0]!) !== 6)
                throw new Ec2Fault("InvalidParameterValue", `CIDR block ${rule.source.value} is malformed`);
              // EC2 keeps an IPv6 block in its own form: lower case, zeros compressed
              const [address, bits] = rule.source.value.split("/");
              rule.source.value = `${new URL(`http://[${address}]`).hostname.slice(1, -1)}/${bits}`;
            }
            if (rule.source.kind === "group" && !this.groups.has(rule.source.value))
              throw new Ec2Fault(
                "InvalidGroup.NotFound",
                `The security group '${rule.source.value}' does not exist`,
              );
            if (group.ingress.some((r) => key(r) === key(rule)))
              throw new Ec2Fault(
                "InvalidPermission.Duplicate",
                `the specified rule "peer: ${rule.source.value}, ${rule.protocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
              );
          }
          group.ingress.push(...rules);
          return xml("return", true);
        }
        const unknown = rules.filter((rule) => !group.ingress.some((r) => key(r) === key(rule)));
        group.ingress = group.ingress.filter((r) => !rules.some((rule) => key(rule) === key(r)));
        return (
          xml("return", true) +
          (unknown.length > 0 ? xml("unknownIpPermissionSet", unknown.map(permissionXml)) : "")
        );
      }
      case "DescribeInstances": {
        for (const instance of this.instances.values()) {
          if (instance.state === "pending" && ++instance.polls >= this.pendingPolls)
            instance.state = "running";
          else if (instance.state === "shutting-down") instance.state = "terminated";
        }
        const ids = list(p, "InstanceId");
        for (const id of ids)
          if (!this.instances.has(id))
            throw new Ec2Fault("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
        const found = [...this.instances.values()].filter(
          (i) =>
            (ids.length === 0 || ids.includes(i.instanceId)) &&
            matches(p, (name) => (name === "instance-state-name" ? [i.state] : tagFilter(name, i.tags))),
        );
        const page = this.page(found, p);
        return (
          page.next +
          xml(
            "reservationSet",
            page.items.map((i) => ({
              reservationId: `r-${i.instanceId.slice(2)}`,
              ownerId: "123456789012",
              instancesSet: [instanceXml(i)],
            })),
          )
        );
      }
      case "RunInstances": {
        const imageId = p.ImageId ?? "";
        if (!this.amis.has(imageId))
          throw new Ec2Fault("InvalidAMIID.NotFound", `The image id '[${imageId}]' does not exist`);
        const subnetId = p.SubnetId ?? "";
        if (!this.subnets.has(subnetId))
          throw new Ec2Fault("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
        if (p.KeyName !== undefined && !this.keyPairs.has(p.KeyName))
          throw new Ec2Fault("InvalidKeyPair.NotFound", `The key pair '${p.KeyName}' does not exist`);
        const groupIds = list(p, "SecurityGroupId");
        for (const id of groupIds)
          if (!this.groups.has(id))
            throw new Ec2Fault("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
        const made: FakeInstance[] = [];
        for (let n = 0; n < Number(p.MaxCount ?? 1); n += 1) {
          const instance: FakeInstance = {
            instanceId: this.id("i"),
            imageId,
            instanceType: p.InstanceType ?? "m1.small",
            subnetId,
            keyName: p.KeyName ?? null,
            groupIds,
            tags: tagsFor(p, "instance"),
            state: "pending",
            polls: 0,
            userData: p.UserData ?? null,
            httpTokens: p["MetadataOptions.HttpTokens"] ?? null,
            launchTime: new Date(Date.now() + this.instances.size),
          };
          this.instances.set(instance.instanceId, instance);
          made.push(instance);
        }
        return (
          xml("reservationId", `r-${made[0]!.instanceId.slice(2)}`) +
          xml("ownerId", "123456789012") +
          xml("instancesSet", made.map(instanceXml))
        );
      }
      case "TerminateInstances": {
        const ids = list(p, "InstanceId");
        const changes = ids.map((id) => {
          const instance = this.instances.get(id);
          if (instance === undefined)
            throw new Ec2Fault("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
          const previous = instance.state;
          if (previous !== "terminated") instance.state = "shutting-down";
          return {
            instanceId: id,
            currentState: { code: STATE_CODES[instance.state], name: instance.state },
            previousState: { code: STATE_CODES[previous], name: previous },
          };
        });
        return xml("instancesSet", changes);
      }
      default:
        throw new Ec2Fault("InvalidAction", `The action ${action} is not valid for this web service.`);
    }
  }
}

/** Values of `Name.1`, `Name.2`, ... */
function list(p: Record<string, string>, name: string): string[] {
  const values: string[] = [];
  for (let n = 1; p[`${name}.${n}`] !== undefined; n += 1) values.push(p[`${name}.${n}`]!);
  return values;
}

function matches(p: Record<string, string>, valuesOf: (filter: string) => string[] | null): boolean {
  for (let n = 1; p[`Filter.${n}.Name`] !== undefined; n += 1) {
    const actual = valuesOf(p[`Filter.${n}.Name`]!);
    if (actual === null)
      throw new Ec2Fault("InvalidParameterValue", `The filter '${p[`Filter.${n}.Name`]}' is invalid`);
    const wanted = list(p, `Filter.${n}.Value`);
    if (!actual.some((value) => wanted.includes(value))) return false;
  }
  return true;
}

function tagFilter(name: string, tags: Record<string, string>): string[] | null {
  if (!name.startsWith("tag:")) return null;
  const value = tags[name.slice(4)];
  return value === undefined ? [] : [value];
}

function tagsFor(p: Record<string, string>, resourceType: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let n = 1; p[`TagSpecification.${n}.ResourceType`] !== undefined; n += 1) {
    if (p[`TagSpecification.${n}.ResourceType`] !== resourceType) continue;
    for (let t = 1; p[`TagSpecification.${n}.Tag.${t}.Key`] !== undefined; t += 1)
      tags[p[`TagSpecification.${n}.Tag.${t}.Key`]!] = p[`TagSpecification.${n}.Tag.${t}.Value`] ?? "";
  }
  return tags;
}

/** Rules from `IpPermissions.N.*`, one per source, as EC2 stores them. */
function permissions(p: Record<string, string>): FakeRule[] {
  const rules: FakeRule[] = [];
  for (let n = 1; p[`IpPermissions.${n}.IpProtocol`] !== undefined; n += 1) {
    const at = `IpPermissions.${n}`;
    const protocol = p[`${at}.IpProtocol`]!;
    const port = (name: string) =>
      protocol === "-1" || p[`${at}.${name}`] === undefined ? null : Number(p[`${at}.${name}`]);
    const base = { protocol, fromPort: port("FromPort"), toPort: port("ToPort") };
    const sources: [FakeRule["source"]["kind"], string, string][] = [
      ["cidr", "IpRanges", "CidrIp"],
      ["ipv6", "Ipv6Ranges", "CidrIpv6"],
      ["prefix", "PrefixListIds", "PrefixListId"],
      ["group", "Groups", "GroupId"],
    ];
    for (const [kind, list, field] of sources)
      for (let m = 1; p[`${at}.${list}.${m}.${field}`] !== undefined; m += 1)
        rules.push({ ...base, source: { kind, value: p[`${at}.${list}.${m}.${field}`]! } });
  }
  return rules;
}

function permissionXml(rule: FakeRule) {
  const { kind, value } = rule.source;
  return {
    ipProtocol: rule.protocol,
    ...(rule.fromPort === null ? {} : { fromPort: rule.fromPort, toPort: rule.toPort ?? rule.fromPort }),
    groups: kind === "group" ? [{ userId: "123456789012", groupId: value }] : [],
    ipRanges: kind === "cidr" ? [{ cidrIp: value }] : [],
    ipv6Ranges: kind === "ipv6" ? [{ cidrIpv6: value }] : [],
    prefixListIds: kind === "prefix" ? [{ prefixListId: value }] : [],
  };
}

function groupXml(g: FakeGroup) {
  return {
    ownerId: "123456789012",
    groupId: g.groupId,
    groupName: g.name,
    groupDescription: g.description,
    vpcId: g.vpcId,
    ipPermissions: g.ingress.map(permissionXml),
    ipPermissionsEgress: [
      {
        ipProtocol: "-1",
        groups: [],
        ipRanges: [{ cidrIp: "0.0.0.0/0" }],
        ipv6Ranges: [],
        prefixListIds: [],
      },
    ],
    tagSet: Object.entries(g.tags).map(([key, value]) => ({ key, value })),
  };
}

function instanceXml(i: FakeInstance) {
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: STATE_CODES[i.state], name: i.state },
    instanceType: i.instanceType,
    ...(i.keyName === null ? {} : { keyName: i.keyName }),
    launchTime: i.launchTime.toISOString(),
    subnetId: i.subnetId,
    vpcId: "vpc-0abc1234",
    groupSet: i.groupIds.map((groupId) => ({ groupId })),
    tagSet: Object.entries(i.tags).map(([key, value]) => ({ key, value })),
  };
}

type XmlValue = string | number | boolean | XmlValue[] | { [key: string]: XmlValue };

function xml(name: string, value: XmlValue): string {
  if (Array.isArray(value)) return `<${name}>${value.map((item) => xml("item", item)).join("")}</${name}>`;
  if (typeof value === "object")
    return `<${name}>${Object.entries(value)
      .map(([key, child]) => xml(key, child))
      .join("")}</${name}>`;
  return `<${name}>${escape(String(value))}</${name}>`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
