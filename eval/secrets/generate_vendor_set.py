#!/usr/bin/env python3
"""Generate eval/secrets/vendor-formats.jsonl: a labelled secret-scanning set
built from vendors' *documented* credential formats.

Every value is synthetic: drawn from a seeded PRNG in the documented
alphabet/length, so the output is byte-for-byte reproducible and no line is a
real credential (where a format carries a checksum, as GitHub's and npm's
tokens do, the checksum is computed so that the token is well-formed).

Each line has the fields of the shared Nosey Parker example set (`text`,
`label`, `categories`) plus `provider`, `format` (what the credential is),
`doc_url` (the vendor page that documents the format), `context` (the kind of
file the snippet imitates), `rule_id` (`vf.<slug>`, our own name for the
format) and `source: "vendor-formats"`.

    python3 eval/secrets/generate_vendor_set.py            # writes the .jsonl
    python3 eval/secrets/generate_vendor_set.py --check    # fails if it would change
    python3 eval/secrets/generate_vendor_set.py --stats

This file was written from vendor documentation only: it does not read, and
was not written from, any scanner's rules (ours or others').
"""
from __future__ import annotations

import argparse
import base64
import binascii
import collections
import json
import random
import string
import sys
from pathlib import Path

SEED = 20261202
OUT = Path(__file__).with_name("vendor-formats.jsonl")

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
HEX = "0123456789abcdef"
HEXU = HEX.upper()
B62 = DIG + UP + LO  # GitHub's base62 alphabet for checksums (0-9A-Za-z)
ALNUM = UP + LO + DIG
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
B32 = UP + "234567"

R = random.Random(SEED)


def rs(alphabet: str, n: int) -> str:
    return "".join(R.choice(alphabet) for _ in range(n))


def b62(n: int, width: int = 6) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def crc_token(prefix: str, body_len: int = 30) -> str:
    """GitHub / npm scheme: random base62 body + 6-char base62 CRC32 of the body."""
    body = rs(ALNUM, body_len)
    return prefix + body + b62(binascii.crc32(body.encode()))


def bad_crc_token(prefix: str, body_len: int = 30) -> str:
    body = rs(ALNUM, body_len)
    good = b62(binascii.crc32(body.encode()))
    bad = good
    while bad == good:
        bad = rs(ALNUM, 6)
    return prefix + body + bad


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(payload: dict, alg: str = "HS256") -> str:
    h = b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = b64url(bytes(R.getrandbits(8) for _ in range(32 if alg == "HS256" else 256)))
    return f"{h}.{p}.{sig}"


def pem(label: str, der_prefix: bytes, nbytes: int) -> str:
    body = der_prefix + bytes(R.getrandbits(8) for _ in range(nbytes))
    b = base64.b64encode(body).decode()
    lines = "\n".join(b[i:i + 64] for i in range(0, len(b), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


def openssh_key() -> str:
    body = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x003\x00\x00\x00\x0bssh-ed25519"
    body += bytes(R.getrandbits(8) for _ in range(300))
    b = base64.b64encode(body).decode()
    lines = "\n".join(b[i:i + 70] for i in range(0, len(b), 70))
    return f"-----BEGIN OPENSSH PRIVATE KEY-----\n{lines}\n-----END OPENSSH PRIVATE KEY-----"


def pgp_key() -> str:
    b = base64.b64encode(b"\x95\x03\xc6\x04" + bytes(R.getrandbits(8) for _ in range(420))).decode()
    lines = "\n".join(b[i:i + 64] for i in range(0, len(b), 64))
    return (f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{lines}\n={rs(B64, 4)}\n"
            f"-----END PGP PRIVATE KEY BLOCK-----")


def ppk_key() -> str:
    pub = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519" + bytes(R.getrandbits(8) for _ in range(36))).decode()
    priv = base64.b64encode(bytes(R.getrandbits(8) for _ in range(36))).decode()
    return ("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build\n"
            f"Public-Lines: 2\n{pub[:64]}\n{pub[64:]}\nPrivate-Lines: 1\n{priv}\n"
            f"Private-MAC: {rs(HEX, 64)}")


def uuid4() -> str:
    h = rs(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{R.choice('89ab')}{h[17:20]}-{h[20:]}"


def pw() -> str:
    # a realistic human/generated password
    return rs(ALNUM, R.randint(6, 9)) + R.choice("!#%*@$^") + rs(ALNUM, R.randint(3, 6))


# ---------------------------------------------------------------------------
# Contexts: where a secret shows up. Each takes (var, value, provider-ish host)
# and returns a snippet. `var` is an ENV_STYLE name.
# ---------------------------------------------------------------------------

def camel(var: str) -> str:
    parts = var.lower().split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


CONTEXTS = {
    "python": lambda v, s: f'import requests\n\n{v} = "{s}"\nresp = requests.get(URL, headers={{"Authorization": f"Bearer {{{v}}}"}})',
    "python-dict": lambda v, s: f'settings = {{\n    "debug": False,\n    "{v.lower()}": "{s}",\n}}',
    "javascript": lambda v, s: f"const {camel(v)} = '{s}';\nconst client = new Client({{ auth: {camel(v)} }});",
    "typescript": lambda v, s: f'export const config = {{\n  region: "us-east-1",\n  {camel(v)}: "{s}",\n}} as const;',
    "go": lambda v, s: f'package main\n\nconst {camel(v)} = "{s}"\n\nfunc main() {{ run({camel(v)}) }}',
    "java": lambda v, s: f'private static final String {v} = "{s}";',
    "ruby": lambda v, s: f"{v.lower()} = '{s}'\nclient = Api::Client.new(token: {v.lower()})",
    "rust": lambda v, s: f'const {v}: &str = "{s}";',
    "csharp": lambda v, s: f'var {camel(v)} = "{s}";\nclient.DefaultRequestHeaders.Add("Authorization", {camel(v)});',
    "php": lambda v, s: f"<?php\ndefine('{v}', '{s}');",
    "dotenv": lambda v, s: f"# production\n{v}={s}\nLOG_LEVEL=info",
    "yaml": lambda v, s: f"services:\n  api:\n    image: app:1.4\n    environment:\n      {v}: \"{s}\"",
    "k8s-secret": lambda v, s: f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  {v.lower().replace('_', '-')}: {s}",
    "gha": lambda v, s: f"jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      {v}: {s}\n    steps:\n      - run: ./deploy.sh",
    "json": lambda v, s: json.dumps({"name": "svc", camel(v): s, "timeout": 30}, indent=2),
    "shell-history": lambda v, s: f"cd ~/src/app\nexport {v}={s}\nmake deploy",
    "curl": lambda v, s: f'curl -sS -H "Authorization: Bearer {s}" https://api.example.com/v1/me',
    "log": lambda v, s: f"2026-11-30T12:01:07Z DEBUG http: request headers={{'Authorization': 'Bearer {s}'}} status=200",
    "dockerfile": lambda v, s: f"FROM python:3.12-slim\nENV {v}={s}\nCMD [\"python\", \"app.py\"]",
    "terraform": lambda v, s: f'provider "thing" {{\n  {v.lower()} = "{s}"\n}}',
    "toml": lambda v, s: f"[auth]\n{v.lower()} = \"{s}\"",
    "ini": lambda v, s: f"[default]\n{v.lower()} = {s}",
    "xml": lambda v, s: f'<configuration>\n  <add key="{camel(v)}" value="{s}" />\n</configuration>',
    "jupyter": lambda v, s: json.dumps({"cell_type": "code", "source": [f"os.environ['{v}'] = '{s}'\n"]}),
}
CTX_ORDER = list(CONTEXTS)


class Fmt:
    def __init__(self, provider, name, url, gen, var, cats=("api", "secret"),
                 n=5, contexts=None, snippet=None, negs=()):
        self.provider, self.name, self.url, self.gen, self.var = provider, name, url, gen, var
        self.cats, self.n, self.contexts, self.snippet, self.negs = list(cats), n, contexts, snippet, negs

    @property
    def slug(self):
        s = (self.provider + "." + self.name).lower()
        return "vf." + "".join(c if c.isalnum() else "-" for c in s).strip("-").replace("--", "-")


def placeholder_negs(prefix: str, var: str, length: int):
    """Standard hard negatives for a prefixed format: placeholders that keep the prefix."""
    fill = max(length - len(prefix), 8)
    return [
        (f"{var}={prefix}{'x' * fill}", "placeholder"),
        (f'{camel(var)}: "{prefix}<your-token-here>"  # replace me', "placeholder"),
        (f"export {var}=${{{var}}}", "env-reference"),
    ]


# Provider formats. Each entry follows the vendor page in `url`.
F: list[Fmt] = []


def add(*a, **k):
    F.append(Fmt(*a, **k))


# --- cloud -------------------------------------------------------------------
def aws_pair_snippet(ctx):
    kid, sec = "AKIA" + rs(B32, 16), rs(B64, 40)
    return {
        "ini": f"[default]\naws_access_key_id = {kid}\naws_secret_access_key = {sec}\nregion = eu-west-1",
        "dotenv": f"AWS_ACCESS_KEY_ID={kid}\nAWS_SECRET_ACCESS_KEY={sec}",
        "python": f"s3 = boto3.client(\n    \"s3\",\n    aws_access_key_id=\"{kid}\",\n    aws_secret_access_key=\"{sec}\",\n)",
        "javascript": f"const s3 = new S3Client({{ credentials: {{ accessKeyId: '{kid}', secretAccessKey: '{sec}' }} }});",
        "shell-history": f"export AWS_ACCESS_KEY_ID={kid}\nexport AWS_SECRET_ACCESS_KEY={sec}\naws s3 ls",
        "terraform": f'provider "aws" {{\n  region     = "us-east-1"\n  access_key = "{kid}"\n  secret_key = "{sec}"\n}}',
        "dockerfile": f"ENV AWS_ACCESS_KEY_ID={kid} \\\n    AWS_SECRET_ACCESS_KEY={sec}",
        "java": f'BasicAWSCredentials creds = new BasicAWSCredentials("{kid}", "{sec}");',
    }[ctx]


add("AWS", "IAM access key pair", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    None, None, n=8, snippet=aws_pair_snippet,
    contexts=["ini", "dotenv", "python", "javascript", "shell-history", "terraform", "dockerfile", "java"],
    negs=[("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "doc-example"),
          ("AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\nAWS_SECRET_ACCESS_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"),
          ("aws_secret_access_key = os.environ['AWS_SECRET_ACCESS_KEY']", "env-reference"),
          ("AWS_SECRET_ACCESS_KEY=<your-secret-access-key>", "placeholder"),
          ("# AKIA keys are 20 characters; see IAM docs\nkey_id_pattern = 'AKIA[A-Z2-7]{16}'", "doc-text")])


def aws_session_snippet(ctx):
    kid, sec = "ASIA" + rs(B32, 16), rs(B64, 40)
    tok = "IQoJb3JpZ2luX2VjE" + rs(B64, 300)
    return {"ini": f"[tmp]\naws_access_key_id = {kid}\naws_secret_access_key = {sec}\naws_session_token = {tok}",
            "json": json.dumps({"Credentials": {"AccessKeyId": kid, "SecretAccessKey": sec, "SessionToken": tok,
                                                "Expiration": "2026-12-01T12:00:00Z"}}, indent=2),
            "shell-history": f"export AWS_ACCESS_KEY_ID={kid} AWS_SECRET_ACCESS_KEY={sec} AWS_SESSION_TOKEN={tok}"}[ctx]


add("AWS", "STS temporary credentials", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html",
    None, None, n=3, snippet=aws_session_snippet, contexts=["ini", "json", "shell-history"])


def gcp_sa_snippet(ctx):
    proj = rs(LO, 6) + "-" + rs(DIG, 6)
    key = pem("PRIVATE KEY", bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8"), 900)
    d = {"type": "service_account", "project_id": proj, "private_key_id": rs(HEX, 40),
         "private_key": key + "\n", "client_email": f"deployer@{proj}.iam.gserviceaccount.com",
         "client_id": rs(DIG, 21), "token_uri": "https://oauth2.googleapis.com/token"}
    if ctx == "json":
        return json.dumps(d, indent=2)
    return f"GOOGLE_CREDENTIALS='{json.dumps(d)}'"


add("Google Cloud", "service account key (JSON)", "https://cloud.google.com/iam/docs/keys-create-delete",
    None, None, cats=("secret",), n=3, snippet=gcp_sa_snippet, contexts=["json", "dotenv", "json"],
    negs=[(json.dumps({"type": "service_account", "project_id": "my-project", "private_key_id": "KEY_ID",
                       "private_key": "-----BEGIN PRIVATE KEY-----\nPRIVATE_KEY\n-----END PRIVATE KEY-----\n",
                       "client_email": "SERVICE_ACCOUNT_EMAIL"}, indent=2), "doc-example")])
add("Google Cloud", "API key", "https://cloud.google.com/docs/authentication/api-keys",
    lambda: "AIza" + rs(URLSAFE, 35), "GOOGLE_API_KEY", n=6,
    negs=placeholder_negs("AIza", "GOOGLE_API_KEY", 39))
add("Google", "OAuth client secret", "https://developers.google.com/identity/protocols/oauth2",
    lambda: "GOCSPX-" + rs(URLSAFE, 28), "GOOGLE_CLIENT_SECRET", n=4,
    negs=[("GOOGLE_CLIENT_SECRET=GOCSPX-your_client_secret", "placeholder")])
add("Google", "OAuth access token", "https://developers.google.com/identity/protocols/oauth2",
    lambda: "ya29.a0" + rs(URLSAFE, 160), "GOOGLE_ACCESS_TOKEN", n=4,
    negs=[('curl -H "Authorization: Bearer ya29.ACCESS_TOKEN" https://www.googleapis.com/drive/v3/files', "doc-example")])
add("Google", "OAuth refresh token", "https://developers.google.com/identity/protocols/oauth2/web-server",
    lambda: "1//0" + rs(URLSAFE, 99), "GOOGLE_REFRESH_TOKEN", n=3, contexts=["json", "dotenv", "python"])
add("Firebase", "Cloud Messaging legacy server key", "https://firebase.google.com/docs/cloud-messaging/auth-server",
    lambda: "AAAA" + rs(URLSAFE, 7) + ":APA91b" + rs(URLSAFE, 134), "FCM_SERVER_KEY", n=4,
    negs=[('headers = {"Authorization": "key=YOUR_SERVER_KEY"}', "placeholder")])


def azure_storage(ctx):
    acct = rs(LO + DIG, 12)
    key = base64.b64encode(bytes(R.getrandbits(8) for _ in range(64))).decode()
    cs = f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};EndpointSuffix=core.windows.net"
    return {"dotenv": f"AZURE_STORAGE_CONNECTION_STRING=\"{cs}\"",
            "json": json.dumps({"Values": {"AzureWebJobsStorage": cs, "FUNCTIONS_WORKER_RUNTIME": "python"}}, indent=2),
            "csharp": f'var client = new BlobServiceClient("{cs}");',
            "python": f'conn = "{cs}"\nsvc = BlobServiceClient.from_connection_string(conn)',
            "yaml": f"storage:\n  account: {acct}\n  key: {key}"}[ctx]


add("Azure", "Storage account key / connection string",
    "https://learn.microsoft.com/en-us/azure/storage/common/storage-configure-connection-string",
    None, None, n=5, snippet=azure_storage, contexts=["dotenv", "json", "csharp", "python", "yaml"],
    negs=[("AzureWebJobsStorage=UseDevelopmentStorage=true", "dev-setting"),
          ("DefaultEndpointsProtocol=https;AccountName=<storage-account-name>;AccountKey=<account-key>", "placeholder")])
add("Azure", "Entra ID client secret", "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials",
    lambda: rs(ALNUM, 3) + "8Q~" + rs(URLSAFE + ".~", 34), "AZURE_CLIENT_SECRET", n=5,
    negs=[("AZURE_CLIENT_SECRET=<client-secret>", "placeholder"),
          ('"clientSecret": "$(AZURE_CLIENT_SECRET)"', "env-reference")])


def azure_sas(ctx):
    sig = base64.b64encode(bytes(R.getrandbits(8) for _ in range(32))).decode().replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    url = (f"https://{rs(LO, 10)}.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rwdlac"
           f"&se=2027-01-01T00:00:00Z&st=2026-11-01T00:00:00Z&spr=https&sig={sig}")
    return {"shell-history": f"azcopy copy ./dump.sql '{url}'", "dotenv": f"BACKUP_SAS_URL={url}",
            "python": f'BLOB_URL = "{url}"'}[ctx]


add("Azure", "Storage SAS URL", "https://learn.microsoft.com/en-us/azure/storage/common/storage-sas-overview",
    None, None, n=3, snippet=azure_sas, contexts=["shell-history", "dotenv", "python"])


def azure_sb(ctx):
    ns = rs(LO, 8)
    key = base64.b64encode(bytes(R.getrandbits(8) for _ in range(32))).decode()
    cs = f"Endpoint=sb://{ns}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={key}"
    return {"json": json.dumps({"ConnectionStrings": {"ServiceBus": cs}}, indent=2),
            "dotenv": f"SERVICEBUS_CONNECTION={cs}", "csharp": f'var client = new ServiceBusClient("{cs}");'}[ctx]


add("Azure", "Service Bus / Event Hubs SAS connection string",
    "https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-sas", None, None, n=3,
    snippet=azure_sb, contexts=["json", "dotenv", "csharp"],
    negs=[("Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<key-name>;SharedAccessKey=<key>", "placeholder")])


def cosmos(ctx):
    key = base64.b64encode(bytes(R.getrandbits(8) for _ in range(64))).decode()
    cs = f"AccountEndpoint=https://{rs(LO, 8)}.documents.azure.com:443/;AccountKey={key};"
    return {"json": json.dumps({"CosmosDb": {"ConnectionString": cs}}, indent=2), "dotenv": f"COSMOS_CONNECTION_STRING={cs}"}[ctx]


add("Azure", "Cosmos DB account key", "https://learn.microsoft.com/en-us/azure/cosmos-db/secure-access-to-data",
    None, None, n=2, snippet=cosmos, contexts=["json", "dotenv"],
    negs=[("AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
           "doc-example")])
add("Azure DevOps", "personal access token",
    "https://learn.microsoft.com/en-us/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate",
    lambda: rs(ALNUM, 76) + "AZDO" + rs(ALNUM, 4), "AZURE_DEVOPS_PAT", n=4)
add("Alibaba Cloud", "AccessKey pair", "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
    None, None, n=3, contexts=["dotenv", "python", "yaml"],
    snippet=lambda c: {"dotenv": f"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI{rs(ALNUM, 20)}\nALIBABA_CLOUD_ACCESS_KEY_SECRET={rs(ALNUM, 30)}",
                       "python": f"client = AcsClient('LTAI{rs(ALNUM, 20)}', '{rs(ALNUM, 30)}', 'cn-hangzhou')",
                       "yaml": f"oss:\n  access-key-id: LTAI{rs(ALNUM, 20)}\n  access-key-secret: {rs(ALNUM, 30)}"}[c])
add("Tencent Cloud", "SecretId / SecretKey", "https://www.tencentcloud.com/document/product/598/34227",
    None, None, n=3, contexts=["dotenv", "python", "go"],
    snippet=lambda c: {"dotenv": f"TENCENTCLOUD_SECRET_ID=AKID{rs(ALNUM, 32)}\nTENCENTCLOUD_SECRET_KEY={rs(ALNUM, 32)}",
                       "python": f'cred = credential.Credential("AKID{rs(ALNUM, 32)}", "{rs(ALNUM, 32)}")',
                       "go": f'credential := common.NewCredential("AKID{rs(ALNUM, 32)}", "{rs(ALNUM, 32)}")'}[c])
add("DigitalOcean", "personal access token", "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
    lambda: "dop_v1_" + rs(HEX, 64), "DIGITALOCEAN_TOKEN", negs=placeholder_negs("dop_v1_", "DIGITALOCEAN_TOKEN", 71))
add("DigitalOcean", "OAuth token", "https://docs.digitalocean.com/reference/api/oauth/",
    lambda: "doo_v1_" + rs(HEX, 64), "DO_OAUTH_TOKEN", n=2)
add("Cloudflare", "API token", "https://developers.cloudflare.com/fundamentals/api/get-started/create-token/",
    lambda: rs(URLSAFE, 40), "CLOUDFLARE_API_TOKEN", n=4, contexts=["dotenv", "shell-history", "gha", "terraform"],
    negs=[("CLOUDFLARE_API_TOKEN=${{ secrets.CLOUDFLARE_API_TOKEN }}", "env-reference")])
add("Cloudflare", "Global API key", "https://developers.cloudflare.com/fundamentals/api/get-started/keys/",
    lambda: rs(HEX, 37), "CLOUDFLARE_API_KEY", n=3, contexts=["dotenv", "shell-history", "yaml"])
add("Heroku", "API key (HRKU)", "https://devcenter.heroku.com/articles/authentication",
    lambda: "HRKU-AA" + rs(URLSAFE, 58), "HEROKU_API_KEY", n=4, negs=placeholder_negs("HRKU-", "HEROKU_API_KEY", 65))
add("Fly.io", "API token", "https://fly.io/docs/security/tokens/",
    lambda: "FlyV1 fm2_" + rs(URLSAFE, 120) + "," + "fm2_" + rs(URLSAFE, 80), "FLY_API_TOKEN", n=3,
    contexts=["dotenv", "gha", "shell-history"])
add("Netlify", "personal access token", "https://docs.netlify.com/api/get-started/#authentication",
    lambda: "nfp_" + rs(ALNUM, 36), "NETLIFY_AUTH_TOKEN", n=3)
add("Render", "API key", "https://render.com/docs/api#1-create-an-api-key",
    lambda: "rnd_" + rs(ALNUM, 32), "RENDER_API_KEY", n=3)
add("Databricks", "personal access token", "https://docs.databricks.com/en/dev-tools/auth/pat.html",
    lambda: "dapi" + rs(HEX, 32), "DATABRICKS_TOKEN", n=4, negs=placeholder_negs("dapi", "DATABRICKS_TOKEN", 36))
add("Pulumi", "access token", "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
    lambda: "pul-" + rs(HEX, 40), "PULUMI_ACCESS_TOKEN", n=4)
add("HashiCorp Terraform Cloud", "API token",
    "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens",
    lambda: rs(ALNUM, 14) + ".atlasv1." + rs(ALNUM, 67), "TFE_TOKEN", n=4,
    contexts=["dotenv", "ini", "json", "shell-history"])
add("HashiCorp Vault", "service token", "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
    lambda: "hvs." + rs(URLSAFE, 90), "VAULT_TOKEN", n=5,
    negs=[("VAULT_TOKEN=root", "dev-setting"), ("export VAULT_TOKEN=hvs.XXXXXXXXXXXXXXXXXXXXXXXX", "placeholder")])
add("HashiCorp Vault", "batch token", "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
    lambda: "hvb." + rs(URLSAFE, 130), "VAULT_TOKEN", n=2)
add("Doppler", "service token", "https://docs.doppler.com/docs/service-tokens",
    lambda: "dp.st.prd." + rs(ALNUM, 40), "DOPPLER_TOKEN", n=4, negs=placeholder_negs("dp.st.", "DOPPLER_TOKEN", 46))
add("Doppler", "personal token", "https://docs.doppler.com/reference/api#authentication",
    lambda: "dp.pt." + rs(ALNUM, 43), "DOPPLER_TOKEN", n=2)
add("Doppler", "service account token", "https://docs.doppler.com/docs/service-accounts",
    lambda: "dp.sa." + rs(ALNUM, 43), "DOPPLER_TOKEN", n=2)

# --- source hosting / CI -------------------------------------------------------
for pfx, name, var in [("ghp_", "personal access token (classic)", "GITHUB_TOKEN"),
                       ("gho_", "OAuth access token", "GH_OAUTH_TOKEN"),
                       ("ghu_", "GitHub App user-to-server token", "GH_USER_TOKEN"),
                       ("ghs_", "GitHub App installation token", "GH_APP_TOKEN")]:
    add("GitHub", name, "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
        (lambda p=pfx: crc_token(p)), var, n=6 if pfx in ("ghp_", "gho_") else 4,
        negs=[(f"{var}={bad_crc_token(pfx)}  # checksum does not verify", "bad-checksum"),
              (f"{var}={bad_crc_token(pfx)}", "bad-checksum"),
              (f"{var}={pfx}{'x' * 36}", "placeholder")])
add("GitHub", "refresh token", "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
    lambda: "ghr_" + rs(ALNUM, 76), "GH_REFRESH_TOKEN", n=2, contexts=["json", "dotenv"])


def gh_fine():
    body = rs(ALNUM, 22) + "_" + rs(ALNUM, 53)
    return "github_pat_" + body + b62(binascii.crc32(body.encode()))


add("GitHub", "fine-grained personal access token",
    "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
    gh_fine, "GITHUB_PAT", n=6,
    negs=[("GITHUB_PAT=github_pat_<token>", "placeholder"),
          ("token: github_pat_11AAAAAAA0xxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder")])
add("GitLab", "personal access token", "https://docs.gitlab.com/security/tokens/#personal-access-tokens",
    lambda: "glpat-" + rs(URLSAFE, 20), "GITLAB_TOKEN", n=6, negs=placeholder_negs("glpat-", "GITLAB_TOKEN", 26))
add("GitLab", "deploy token", "https://docs.gitlab.com/security/tokens/#deploy-tokens",
    lambda: "gldt-" + rs(URLSAFE, 20), "CI_DEPLOY_PASSWORD", n=3)
add("GitLab", "runner authentication token", "https://docs.gitlab.com/security/tokens/#runner-authentication-tokens",
    lambda: "glrt-" + rs(URLSAFE, 20), "RUNNER_TOKEN", n=3,
    contexts=["toml", "shell-history", "yaml"])
add("GitLab", "pipeline trigger token", "https://docs.gitlab.com/security/tokens/#pipeline-trigger-tokens",
    lambda: "glptt-" + rs(HEX, 40), "TRIGGER_TOKEN", n=3)
add("Bitbucket", "app password", "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
    lambda: "ATBB" + rs(ALNUM, 28) + rs(HEXU, 8), "BITBUCKET_APP_PASSWORD", n=3)
add("Atlassian", "API token", "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
    lambda: "ATATT3xFfGF0" + rs(URLSAFE, 171) + "=" + rs(HEXU, 8), "JIRA_API_TOKEN", n=5,
    negs=[("JIRA_API_TOKEN=your-api-token", "placeholder")])
add("CircleCI", "personal API token", "https://circleci.com/docs/managing-api-tokens/",
    lambda: "CCIPAT_" + rs(ALNUM, 22) + "_" + rs(HEX, 40), "CIRCLECI_TOKEN", n=3)
add("Buildkite", "API access token", "https://buildkite.com/docs/apis/managing-api-tokens",
    lambda: "bkua_" + rs(HEX, 40), "BUILDKITE_API_TOKEN", n=3)
add("SonarQube", "user token", "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/",
    lambda: "squ_" + rs(HEX, 40), "SONAR_TOKEN", n=3, negs=placeholder_negs("squ_", "SONAR_TOKEN", 44))
add("SonarQube", "project analysis token", "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/",
    lambda: "sqp_" + rs(HEX, 40), "SONAR_TOKEN", n=2)
add("JFrog", "access token (reference)", "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens",
    lambda: "cmVmdGtuOjAxOj" + rs(ALNUM, 50), "JFROG_ACCESS_TOKEN", n=3)
add("Postman", "API key", "https://learning.postman.com/docs/developer/postman-api/authentication/",
    lambda: "PMAK-" + rs(HEX, 24) + "-" + rs(HEX, 34), "POSTMAN_API_KEY", n=4)

# --- package registries -------------------------------------------------------------
add("npm", "access token", "https://docs.npmjs.com/about-access-tokens",
    lambda: crc_token("npm_"), "NPM_TOKEN", n=5,
    contexts=["dotenv", "gha", "shell-history", "dockerfile", "yaml"],
    negs=[("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "env-reference"),
          (f"NPM_TOKEN={bad_crc_token('npm_')}", "bad-checksum"),
          ("NPM_TOKEN=npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "placeholder")])
F[-1].extra = [lambda: f"//registry.npmjs.org/:_authToken={crc_token('npm_')}\nregistry=https://registry.npmjs.org/"]
add("PyPI", "API token", "https://pypi.org/help/#apitoken",
    lambda: "pypi-AgEIcHlwaS5vcmc" + rs(URLSAFE, 150), "TWINE_PASSWORD", n=5,
    negs=[("[pypi]\nusername = __token__\npassword = pypi-<your-token>", "placeholder"),
          ("TWINE_PASSWORD=${{ secrets.PYPI_API_TOKEN }}", "env-reference")])
F[-1].extra = [lambda: f"[pypi]\n  username = __token__\n  password = pypi-AgEIcHlwaS5vcmc{rs(URLSAFE, 150)}"]
add("Docker Hub", "personal access token", "https://docs.docker.com/security/for-developers/access-tokens/",
    lambda: "dckr_pat_" + rs(URLSAFE, 27), "DOCKERHUB_TOKEN", n=5, negs=placeholder_negs("dckr_pat_", "DOCKERHUB_TOKEN", 36))


def docker_cfg(ctx):
    auth = base64.b64encode(f"ci-bot:{pw()}".encode()).decode()
    return json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": auth}}}, indent=2)


add("Docker", "config.json registry auth", "https://docs.docker.com/reference/cli/docker/login/",
    None, None, n=3, snippet=docker_cfg, contexts=["json", "json", "json"],
    negs=[(json.dumps({"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "desktop"}, indent=2), "no-secret")])
add("RubyGems", "API key", "https://guides.rubygems.org/api-key-scopes/",
    lambda: "rubygems_" + rs(HEX, 48), "GEM_HOST_API_KEY", n=3)
add("crates.io", "API token", "https://doc.rust-lang.org/cargo/reference/registry-authentication.html",
    lambda: "cio" + rs(ALNUM, 32), "CARGO_REGISTRY_TOKEN", n=3, contexts=["toml", "gha", "shell-history"])
add("NuGet", "API key", "https://learn.microsoft.com/en-us/nuget/nuget-org/scoped-api-keys",
    lambda: "oy2" + rs(LO + DIG, 43), "NUGET_API_KEY", n=3)
add("Clojars", "deploy token", "https://github.com/clojars/clojars-web/wiki/Deploy-Tokens",
    lambda: "CLOJARS_" + rs(HEX, 60), "CLOJARS_PASSWORD", n=2)

# --- AI providers -------------------------------------------------------------------
add("OpenAI", "project API key", "https://platform.openai.com/docs/api-reference/authentication",
    lambda: "sk-proj-" + rs(URLSAFE, 74) + "T3BlbkFJ" + rs(URLSAFE, 74), "OPENAI_API_KEY", n=7,
    negs=placeholder_negs("sk-proj-", "OPENAI_API_KEY", 164) + [("OPENAI_API_KEY=sk-...", "placeholder")])
add("OpenAI", "legacy user API key", "https://platform.openai.com/docs/api-reference/authentication",
    lambda: "sk-" + rs(ALNUM, 20) + "T3BlbkFJ" + rs(ALNUM, 20), "OPENAI_API_KEY", n=4)
add("OpenAI", "service account key", "https://platform.openai.com/docs/api-reference/authentication",
    lambda: "sk-svcacct-" + rs(URLSAFE, 74) + "T3BlbkFJ" + rs(URLSAFE, 74), "OPENAI_API_KEY", n=3)
add("Anthropic", "API key", "https://docs.anthropic.com/en/api/getting-started",
    lambda: "sk-ant-api03-" + rs(URLSAFE, 93) + "AA", "ANTHROPIC_API_KEY", n=7,
    negs=placeholder_negs("sk-ant-api03-", "ANTHROPIC_API_KEY", 108) + [("ANTHROPIC_API_KEY=sk-ant-...", "placeholder")])
add("Anthropic", "Admin API key", "https://docs.anthropic.com/en/api/administration-api",
    lambda: "sk-ant-admin01-" + rs(URLSAFE, 93) + "AA", "ANTHROPIC_ADMIN_KEY", n=3)
add("Hugging Face", "user access token", "https://huggingface.co/docs/hub/security-tokens",
    lambda: "hf_" + rs(UP + LO, 34), "HF_TOKEN", n=6, negs=placeholder_negs("hf_", "HF_TOKEN", 37))
add("Groq", "API key", "https://console.groq.com/docs/quickstart",
    lambda: "gsk_" + rs(ALNUM, 52), "GROQ_API_KEY", n=5, negs=placeholder_negs("gsk_", "GROQ_API_KEY", 56))
add("xAI", "API key", "https://docs.x.ai/docs/overview",
    lambda: "xai-" + rs(ALNUM, 80), "XAI_API_KEY", n=4)
add("Perplexity", "API key", "https://docs.perplexity.ai/guides/getting-started",
    lambda: "pplx-" + rs(ALNUM, 48), "PERPLEXITY_API_KEY", n=4)
add("OpenRouter", "API key", "https://openrouter.ai/docs/api-reference/authentication",
    lambda: "sk-or-v1-" + rs(HEX, 64), "OPENROUTER_API_KEY", n=4)
add("Replicate", "API token", "https://replicate.com/docs/reference/http#authentication",
    lambda: "r8_" + rs(ALNUM, 37), "REPLICATE_API_TOKEN", n=4, negs=placeholder_negs("r8_", "REPLICATE_API_TOKEN", 40))
add("LangSmith", "personal access token", "https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key",
    lambda: "lsv2_pt_" + rs(HEX, 32) + "_" + rs(HEX, 10), "LANGSMITH_API_KEY", n=4)
add("Pinecone", "API key", "https://docs.pinecone.io/guides/projects/manage-api-keys",
    lambda: "pcsk_" + rs(ALNUM, 6) + "_" + rs(ALNUM, 63), "PINECONE_API_KEY", n=4)
add("Tavily", "API key", "https://docs.tavily.com/documentation/quickstart",
    lambda: "tvly-" + rs(ALNUM, 32), "TAVILY_API_KEY", n=3)
add("ElevenLabs", "API key", "https://elevenlabs.io/docs/api-reference/authentication",
    lambda: "sk_" + rs(HEX, 48), "ELEVENLABS_API_KEY", n=3)
add("Cerebras", "API key", "https://inference-docs.cerebras.ai/quickstart",
    lambda: "csk-" + rs(LO + DIG, 48), "CEREBRAS_API_KEY", n=3)
add("DeepSeek", "API key", "https://api-docs.deepseek.com/",
    lambda: "sk-" + rs(HEX, 32), "DEEPSEEK_API_KEY", n=3, contexts=["dotenv", "python", "shell-history"])
add("Weights & Biases", "API key", "https://docs.wandb.ai/guides/track/environment-variables/",
    lambda: rs(HEX, 40), "WANDB_API_KEY", n=3, contexts=["dotenv", "shell-history", "jupyter"])

# --- messaging / comms --------------------------------------------------------------
add("Slack", "bot token", "https://api.slack.com/authentication/token-types#bot",
    lambda: f"xoxb-{rs(DIG, 12)}-{rs(DIG, 13)}-{rs(ALNUM, 24)}", "SLACK_BOT_TOKEN", n=6,
    negs=placeholder_negs("xoxb-", "SLACK_BOT_TOKEN", 56) + [("SLACK_BOT_TOKEN=xoxb-your-token", "placeholder")])
add("Slack", "user token", "https://api.slack.com/authentication/token-types#user",
    lambda: f"xoxp-{rs(DIG, 12)}-{rs(DIG, 12)}-{rs(DIG, 13)}-{rs(HEX, 32)}", "SLACK_USER_TOKEN", n=4)
add("Slack", "app-level token", "https://api.slack.com/authentication/token-types#app-level",
    lambda: f"xapp-1-A{rs(UP + DIG, 10)}-{rs(DIG, 13)}-{rs(HEX, 64)}", "SLACK_APP_TOKEN", n=3)
add("Slack", "incoming webhook URL", "https://api.slack.com/messaging/webhooks",
    lambda: f"https://hooks.slack.com/services/T{rs(UP + DIG, 8)}/B{rs(UP + DIG, 10)}/{rs(ALNUM, 24)}",
    "SLACK_WEBHOOK_URL", n=5,
    negs=[("SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "doc-example")])
add("Discord", "bot token", "https://discord.com/developers/docs/reference#authentication",
    lambda: b64url(rs(DIG, 18).encode()) + "." + rs(URLSAFE, 6) + "." + rs(URLSAFE, 38), "DISCORD_BOT_TOKEN", n=4)
add("Discord", "webhook URL", "https://discord.com/developers/docs/resources/webhook",
    lambda: f"https://discord.com/api/webhooks/{rs(DIG, 19)}/{rs(URLSAFE, 68)}", "DISCORD_WEBHOOK", n=4)
add("Telegram", "bot token", "https://core.telegram.org/bots/api#authorizing-your-bot",
    lambda: f"{R.randint(1000000000, 7999999999)}:AA{rs(URLSAFE, 33)}", "TELEGRAM_BOT_TOKEN", n=5,
    negs=[("TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", "doc-example")])
add("Microsoft Teams", "incoming webhook URL",
    "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
    lambda: f"https://{rs(LO, 7)}.webhook.office.com/webhookb2/{uuid4()}@{uuid4()}/IncomingWebhook/{rs(HEX, 32)}/{uuid4()}/V2{rs(URLSAFE, 40)}",
    "TEAMS_WEBHOOK_URL", n=3)


def twilio(ctx):
    sid, tok = "AC" + rs(HEX, 32), rs(HEX, 32)
    return {"python": f'client = Client("{sid}", "{tok}")',
            "dotenv": f"TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={tok}",
            "javascript": f"const client = require('twilio')('{sid}', '{tok}');",
            "curl": f"curl -X POST https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json -u {sid}:{tok}"}[ctx]


add("Twilio", "Account SID + auth token", "https://www.twilio.com/docs/iam/api/account",
    None, None, n=4, snippet=twilio, contexts=["python", "dotenv", "javascript", "curl"],
    negs=[("TWILIO_ACCOUNT_SID=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\nTWILIO_AUTH_TOKEN=your_auth_token", "doc-example")])
add("Twilio", "API key secret", "https://www.twilio.com/docs/iam/api-keys",
    None, None, n=3, contexts=["dotenv", "python", "yaml"],
    snippet=lambda c: {"dotenv": f"TWILIO_API_KEY=SK{rs(HEX, 32)}\nTWILIO_API_SECRET={rs(ALNUM, 32)}",
                       "python": f'client = Client("SK{rs(HEX, 32)}", "{rs(ALNUM, 32)}", account_sid)',
                       "yaml": f"twilio:\n  api_key: SK{rs(HEX, 32)}\n  api_secret: {rs(ALNUM, 32)}"}[c])
add("SendGrid", "API key", "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
    lambda: "SG." + rs(URLSAFE, 22) + "." + rs(URLSAFE, 43), "SENDGRID_API_KEY", n=6,
    negs=placeholder_negs("SG.", "SENDGRID_API_KEY", 69))
add("Mailgun", "API key", "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication",
    lambda: rs(HEX, 32) + "-" + rs(HEX, 8) + "-" + rs(HEX, 8), "MAILGUN_API_KEY", n=4)
add("Mailchimp", "Marketing API key", "https://mailchimp.com/developer/marketing/guides/quick-start/",
    lambda: rs(HEX, 32) + f"-us{R.randint(1, 21)}", "MAILCHIMP_API_KEY", n=4)
add("Mailchimp", "Transactional (Mandrill) API key", "https://mailchimp.com/developer/transactional/guides/quick-start/",
    lambda: "md-" + rs(URLSAFE, 22), "MANDRILL_API_KEY", n=3)
add("Brevo", "API key", "https://developers.brevo.com/docs/getting-started",
    lambda: "xkeysib-" + rs(HEX, 64) + "-" + rs(ALNUM, 16), "BREVO_API_KEY", n=3)
add("MailerSend", "API token", "https://developers.mailersend.com/general.html#authentication",
    lambda: "mlsn." + rs(HEX, 64), "MAILERSEND_API_KEY", n=3)
add("Resend", "API key", "https://resend.com/docs/dashboard/api-keys/introduction",
    lambda: "re_" + rs(ALNUM, 8) + "_" + rs(ALNUM, 24), "RESEND_API_KEY", n=3)

# --- payments / commerce -----------------------------------------------------------
add("Stripe", "live secret key", "https://docs.stripe.com/keys",
    lambda: "sk_live_" + rs(ALNUM, 99), "STRIPE_SECRET_KEY", n=7,
    negs=placeholder_negs("sk_live_", "STRIPE_SECRET_KEY", 107) +
    [(f"const stripe = Stripe('pk_live_{rs(ALNUM, 99)}');  // publishable key, meant for the browser", "public-by-design")])
add("Stripe", "restricted key", "https://docs.stripe.com/keys#create-restricted-api-secret-key",
    lambda: "rk_live_" + rs(ALNUM, 99), "STRIPE_RESTRICTED_KEY", n=3)
add("Stripe", "webhook signing secret", "https://docs.stripe.com/webhooks#verify-events",
    lambda: "whsec_" + rs(ALNUM, 32), "STRIPE_WEBHOOK_SECRET", n=4)
add("Square", "access token", "https://developer.squareup.com/docs/build-basics/access-tokens",
    lambda: "EAAA" + rs(URLSAFE, 60), "SQUARE_ACCESS_TOKEN", n=4)
add("PayPal Braintree", "access token", "https://developer.paypal.com/braintree/docs/guides/authorization/overview",
    lambda: f"access_token$production${rs(LO + DIG, 16)}${rs(HEX, 32)}", "BRAINTREE_ACCESS_TOKEN", n=3)
add("Shopify", "Admin API access token", "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
    lambda: "shpat_" + rs(HEX, 32), "SHOPIFY_ACCESS_TOKEN", n=5, negs=placeholder_negs("shpat_", "SHOPIFY_ACCESS_TOKEN", 38))
add("Shopify", "app shared secret", "https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets",
    lambda: "shpss_" + rs(HEX, 32), "SHOPIFY_API_SECRET", n=3)
add("Shopify", "custom app access token", "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
    lambda: "shpca_" + rs(HEX, 32), "SHOPIFY_TOKEN", n=2)
add("Plaid", "production access token", "https://plaid.com/docs/api/tokens/",
    lambda: "access-production-" + uuid4(), "PLAID_ACCESS_TOKEN", n=3,
    negs=[("PLAID_ACCESS_TOKEN=access-sandbox-<uuid>", "placeholder")])
add("Flutterwave", "secret key", "https://developer.flutterwave.com/docs/integration-guides/authentication",
    lambda: "FLWSECK-" + rs(HEX, 32) + "-X", "FLW_SECRET_KEY", n=3)
add("Shippo", "live API token", "https://docs.goshippo.com/docs/guides_general/authentication/",
    lambda: "shippo_live_" + rs(HEX, 40), "SHIPPO_API_TOKEN", n=3)

# --- SaaS / observability ------------------------------------------------------------
add("Datadog", "API key", "https://docs.datadoghq.com/account_management/api-app-keys/",
    lambda: rs(HEX, 32), "DD_API_KEY", n=4, contexts=["dotenv", "yaml", "dockerfile", "shell-history"],
    negs=[("DD_API_KEY=<DATADOG_API_KEY>", "placeholder"), ("api_key: ${DD_API_KEY}", "env-reference")])
add("Datadog", "application key", "https://docs.datadoghq.com/account_management/api-app-keys/",
    lambda: rs(HEX, 40), "DD_APP_KEY", n=3, contexts=["dotenv", "terraform", "shell-history"])
add("New Relic", "user API key", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
    lambda: "NRAK-" + rs(UP + DIG, 27), "NEW_RELIC_API_KEY", n=4, negs=placeholder_negs("NRAK-", "NEW_RELIC_API_KEY", 32))
add("New Relic", "license key", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#license-key",
    lambda: rs(HEX, 36) + "NRAL", "NEW_RELIC_LICENSE_KEY", n=3)
add("Sentry", "organization auth token", "https://docs.sentry.io/account/auth-tokens/",
    lambda: "sntrys_" + b64url(json.dumps({"iat": 1764500000, "url": "https://sentry.io", "org": rs(LO, 6)}).encode()) + "_" + rs(URLSAFE, 43),
    "SENTRY_AUTH_TOKEN", n=3,
    negs=[(f"Sentry.init({{ dsn: 'https://{rs(HEX, 32)}@o{rs(DIG, 6)}.ingest.sentry.io/{rs(DIG, 7)}' }});  // DSNs are public",
           "public-by-design")])
add("Sentry", "user auth token", "https://docs.sentry.io/account/auth-tokens/",
    lambda: "sntryu_" + rs(HEX, 64), "SENTRY_AUTH_TOKEN", n=3)
add("Grafana", "service account token", "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
    lambda: "glsa_" + rs(ALNUM, 32) + "_" + rs(HEX, 8), "GRAFANA_TOKEN", n=4)
add("Grafana Cloud", "access policy token", "https://grafana.com/docs/grafana-cloud/security-and-account-management/authentication-and-permissions/access-policies/",
    lambda: "glc_" + b64url(json.dumps({"o": rs(DIG, 6), "n": "stack-" + rs(DIG, 6) + "-write", "k": rs(ALNUM, 24), "m": {"r": "prod-eu-west-0"}}).encode()),
    "GRAFANA_CLOUD_TOKEN", n=3)
add("Dynatrace", "API token", "https://docs.dynatrace.com/docs/dynatrace-api/basics/dynatrace-api-authentication",
    lambda: "dt0c01." + rs(UP + DIG, 24) + "." + rs(UP + DIG, 64), "DT_API_TOKEN", n=3)
add("PostHog", "personal API key", "https://posthog.com/docs/api",
    lambda: "phx_" + rs(ALNUM, 43), "POSTHOG_PERSONAL_API_KEY", n=3,
    negs=[(f"posthog.init('phc_{rs(ALNUM, 43)}', {{ api_host: 'https://us.i.posthog.com' }})  // project key is public", "public-by-design")])
add("LaunchDarkly", "API access token", "https://docs.launchdarkly.com/home/account/api",
    lambda: "api-" + uuid4(), "LD_API_KEY", n=3)
add("Linear", "personal API key", "https://linear.app/developers/graphql#personal-api-keys",
    lambda: "lin_api_" + rs(ALNUM, 40), "LINEAR_API_KEY", n=4)
add("Notion", "integration token", "https://developers.notion.com/docs/authorization",
    lambda: "ntn_" + rs(DIG, 11) + rs(ALNUM, 35), "NOTION_TOKEN", n=4)
add("Airtable", "personal access token", "https://airtable.com/developers/web/guides/personal-access-tokens",
    lambda: "pat" + rs(ALNUM, 14) + "." + rs(HEX, 64), "AIRTABLE_TOKEN", n=4)
add("Figma", "personal access token", "https://www.figma.com/developers/api#access-tokens",
    lambda: "figd_" + rs(URLSAFE, 40), "FIGMA_TOKEN", n=3)
add("Asana", "personal access token", "https://developers.asana.com/docs/personal-access-token",
    lambda: f"2/{rs(DIG, 16)}/{rs(DIG, 16)}:{rs(HEX, 32)}", "ASANA_TOKEN", n=3)
add("ClickUp", "personal API token", "https://clickup.com/api/developer-portal/authentication/",
    lambda: f"pk_{rs(DIG, 8)}_{rs(UP + DIG, 32)}", "CLICKUP_TOKEN", n=3)
add("HubSpot", "private app access token", "https://developers.hubspot.com/docs/api/private-apps",
    lambda: "pat-na1-" + uuid4(), "HUBSPOT_ACCESS_TOKEN", n=3)
add("Contentful", "personal access token", "https://www.contentful.com/developers/docs/references/authentication/",
    lambda: "CFPAT-" + rs(URLSAFE, 43), "CONTENTFUL_MANAGEMENT_TOKEN", n=3)
add("Typeform", "personal access token", "https://www.typeform.com/developers/get-started/personal-access-token/",
    lambda: "tfp_" + rs(ALNUM, 44) + "_" + rs(ALNUM, 14), "TYPEFORM_TOKEN", n=2)
add("Okta", "API token", "https://developer.okta.com/docs/guides/create-an-api-token/main/",
    lambda: "00" + rs(URLSAFE, 40), "OKTA_API_TOKEN", n=3, contexts=["dotenv", "curl", "yaml"])
F[-1].contexts = ["dotenv", "yaml", "shell-history"]
F[-1].extra = [lambda: f'curl -H "Authorization: SSWS 00{rs(URLSAFE, 40)}" https://acme.okta.com/api/v1/users']
add("Supabase", "personal access token", "https://supabase.com/docs/guides/platform/access-control",
    lambda: "sbp_" + rs(HEX, 40), "SUPABASE_ACCESS_TOKEN", n=3)
add("Supabase", "service_role key (JWT)", "https://supabase.com/docs/guides/api/api-keys",
    lambda: jwt({"iss": "supabase", "ref": rs(LO, 20), "role": "service_role", "iat": 1730000000, "exp": 2045000000}),
    "SUPABASE_SERVICE_ROLE_KEY", n=3)
add("PlanetScale", "service token", "https://planetscale.com/docs/concepts/service-tokens",
    lambda: "pscale_tkn_" + rs(URLSAFE, 43), "PLANETSCALE_SERVICE_TOKEN", n=3)
add("PlanetScale", "database password", "https://planetscale.com/docs/concepts/connection-strings",
    lambda: "pscale_pw_" + rs(URLSAFE, 43), "DATABASE_PASSWORD", n=2)
add("Neon", "API key", "https://neon.tech/docs/manage/api-keys",
    lambda: "napi_" + rs(LO + DIG, 64), "NEON_API_KEY", n=3)
add("Adafruit IO", "key", "https://io.adafruit.com/api/docs/#authentication",
    lambda: "aio_" + rs(ALNUM, 28), "ADAFRUIT_IO_KEY", n=3)
add("Dropbox", "short-lived access token", "https://developers.dropbox.com/oauth-guide",
    lambda: "sl." + rs(URLSAFE, 136), "DROPBOX_TOKEN", n=3)
add("Meta", "Graph API access token", "https://developers.facebook.com/docs/facebook-login/guides/access-tokens",
    lambda: "EAAB" + rs(ALNUM, 180), "FB_ACCESS_TOKEN", n=3)
add("X (Twitter)", "app bearer token", "https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/application-only",
    lambda: "AAAAAAAAAAAAAAAAAAAAA" + rs(ALNUM, 25) + "%3D" + rs(ALNUM, 50), "TWITTER_BEARER_TOKEN", n=3)
add("Mapbox", "secret access token", "https://docs.mapbox.com/accounts/guides/tokens/",
    lambda: "sk.eyJ1Ijoi" + rs(ALNUM, 40) + "." + rs(URLSAFE, 22), "MAPBOX_SECRET_TOKEN", n=3,
    negs=[(f"mapboxgl.accessToken = 'pk.eyJ1Ijoi{rs(ALNUM, 40)}.{rs(URLSAFE, 22)}';  // public token", "public-by-design")])
add("Age", "secret key", "https://age-encryption.org/v1",
    lambda: "AGE-SECRET-KEY-1" + rs("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".upper(), 58), "SOPS_AGE_KEY", n=3,
    negs=[(f"# public key: age1{rs('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}", "public-by-design")])
add("Infracost", "API key", "https://www.infracost.io/docs/integrations/cicd/",
    lambda: "ico-" + rs(ALNUM, 32), "INFRACOST_API_KEY", n=2)
add("Prefect", "API key", "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys",
    lambda: "pnu_" + rs(ALNUM, 36), "PREFECT_API_KEY", n=3)


# --- private keys ---------------------------------------------------------------------
def key_snip(keyfn):
    def f(ctx):
        k = keyfn()
        if ctx == "python":
            return f'PRIVATE_KEY = """{k}\n"""'
        if ctx == "yaml":
            return "tls:\n  key: |\n" + "\n".join("    " + line for line in k.splitlines())
        if ctx == "json":
            return json.dumps({"app_id": 123456, "private_key": k + "\n"})
        if ctx == "shell-history":
            return f"cat > ~/.ssh/deploy_key <<'EOF'\n{k}\nEOF\nchmod 600 ~/.ssh/deploy_key"
        return k  # a bare key file
    return f


add("PEM", "RSA private key (PKCS#1)", "https://www.rfc-editor.org/rfc/rfc7468",
    None, None, cats=("secret",), n=5, contexts=["raw", "python", "yaml", "json", "raw"],
    snippet=key_snip(lambda: pem("RSA PRIVATE KEY", bytes.fromhex("308204a40201000282010100"), 880)),
    negs=[("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----", "placeholder"),
          (pem("PUBLIC KEY", bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00"), 260), "public-by-design"),
          (pem("CERTIFICATE", bytes.fromhex("3082037a30820262a003020102"), 700), "public-by-design")])
add("PEM", "PKCS#8 private key", "https://www.rfc-editor.org/rfc/rfc5208",
    None, None, cats=("secret",), n=4, contexts=["raw", "python", "json", "yaml"],
    snippet=key_snip(lambda: pem("PRIVATE KEY", bytes.fromhex("308204be020100300d06092a864886f70d0101010500"), 900)),
    negs=[("key = open('/etc/ssl/private/server.key').read()  # -----BEGIN PRIVATE KEY----- is read at run time", "no-secret")])
add("PEM", "EC private key (SEC1)", "https://www.rfc-editor.org/rfc/rfc5915",
    None, None, cats=("secret",), n=3, contexts=["raw", "yaml", "shell-history"],
    snippet=key_snip(lambda: pem("EC PRIVATE KEY", bytes.fromhex("30770201010420"), 100)))
add("PEM", "encrypted PKCS#8 private key", "https://www.rfc-editor.org/rfc/rfc7468#section-11",
    None, None, cats=("secret",), n=2, contexts=["raw", "python"],
    snippet=key_snip(lambda: pem("ENCRYPTED PRIVATE KEY", bytes.fromhex("308205063040"), 1200)))
add("OpenSSH", "private key", "https://cvsweb.openbsd.org/src/usr.bin/ssh/PROTOCOL.key?annotate=HEAD",
    None, None, cats=("secret",), n=5, contexts=["raw", "shell-history", "yaml", "raw", "python"], snippet=key_snip(openssh_key),
    negs=[(f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rs(B64, 43)} deploy@ci", "public-by-design"),
          ("IdentityFile ~/.ssh/id_ed25519", "no-secret")])
add("OpenPGP", "private key block", "https://www.rfc-editor.org/rfc/rfc9580#name-armor-header-line",
    None, None, cats=("secret",), n=3, contexts=["raw", "raw", "yaml"], snippet=key_snip(pgp_key),
    negs=[("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGJ" + rs(B64, 60) + "\n-----END PGP PUBLIC KEY BLOCK-----", "public-by-design")])
add("PuTTY", "private key file (PPK v3)", "https://the.earth.li/~sgtatham/putty/0.80/htmldoc/AppendixC.html",
    None, None, cats=("secret",), n=2, contexts=["raw", "raw"], snippet=lambda c: ppk_key())


# --- databases / URLs with credentials -----------------------------------------------
def conn(scheme_fn):
    def f(ctx):
        u = scheme_fn()
        return {"dotenv": f"DATABASE_URL={u}", "python": f'engine = create_engine("{u}")',
                "yaml": f"spring:\n  datasource:\n    url: {u}", "javascript": f"const pool = new Pool({{ connectionString: '{u}' }});",
                "json": json.dumps({"db": {"url": u}}, indent=2), "log": f"2026-11-30 10:00:01 INFO connecting to {u}",
                "go": f'db, err := sql.Open("driver", "{u}")', "shell-history": f"psql '{u}'"}[ctx]
    return f


DBCTX = ["dotenv", "python", "yaml", "javascript", "json", "log", "go"]
add("PostgreSQL", "connection URI with password", "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS",
    None, None, cats=("secret",), n=5, contexts=DBCTX[:5],
    snippet=conn(lambda: f"postgresql://app_user:{pw()}@db-{rs(LO, 5)}.internal:5432/orders?sslmode=require"),
    negs=[("DATABASE_URL=postgresql://localhost/mydb", "no-secret"),
          ("DATABASE_URL=postgres://user:password@localhost:5432/dbname", "doc-example"),
          ("DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/app", "env-reference")])
add("MySQL", "connection URI with password", "https://dev.mysql.com/doc/refman/8.4/en/connecting-using-uri-or-key-value-pairs.html",
    None, None, cats=("secret",), n=4, contexts=["dotenv", "python", "go", "log"],
    snippet=conn(lambda: f"mysql://root:{pw()}@10.0.{R.randint(0, 9)}.{R.randint(2, 250)}:3306/shop"),
    negs=[("mysql://root:@localhost:3306/test", "no-secret")])
add("MongoDB", "SRV connection string with password", "https://www.mongodb.com/docs/manual/reference/connection-string/",
    None, None, cats=("secret",), n=5, contexts=["dotenv", "javascript", "python", "json", "yaml"],
    snippet=conn(lambda: f"mongodb+srv://svc-{rs(LO, 4)}:{rs(ALNUM, 16)}@cluster0.{rs(LO + DIG, 5)}.mongodb.net/prod?retryWrites=true&w=majority"),
    negs=[("MONGO_URL=mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/", "placeholder")])
add("Redis", "URL with password", "https://www.iana.org/assignments/uri-schemes/prov/redis",
    None, None, cats=("secret",), n=4, contexts=["dotenv", "python", "yaml", "javascript"],
    snippet=conn(lambda: f"rediss://default:{rs(ALNUM, 32)}@{rs(LO, 8)}.cache.amazonaws.com:6379/0"),
    negs=[("REDIS_URL=redis://localhost:6379/0", "no-secret")])
add("RabbitMQ", "AMQP URI with password", "https://www.rabbitmq.com/docs/uri-spec",
    None, None, cats=("secret",), n=3, contexts=["dotenv", "python", "yaml"],
    snippet=conn(lambda: f"amqps://worker:{pw()}@mq.{rs(LO, 6)}.net:5671/prod"),
    negs=[("AMQP_URL=amqp://guest:guest@localhost:5672/", "doc-example")])


def mssql(ctx):
    cs = f"Server=tcp:{rs(LO, 8)}.database.windows.net,1433;Initial Catalog=app;User ID=sqladmin;Password={pw()};Encrypt=True;"
    return {"json": json.dumps({"ConnectionStrings": {"Default": cs}}, indent=2), "csharp": f'var conn = new SqlConnection("{cs}");',
            "xml": f'<connectionStrings>\n  <add name="Default" connectionString="{cs}" />\n</connectionStrings>'}[ctx]


add("SQL Server", "ADO.NET connection string with password", "https://learn.microsoft.com/en-us/sql/connect/ado-net/connection-string-syntax",
    None, None, cats=("secret",), n=3, contexts=["json", "csharp", "xml"], snippet=mssql,
    negs=[('"Default": "Server=(localdb)\\\\mssqllocaldb;Database=app;Trusted_Connection=True;"', "no-secret")])
add("JDBC", "URL with password parameter", "https://jdbc.postgresql.org/documentation/use/",
    None, None, cats=("secret",), n=2, contexts=["yaml", "dotenv"],
    snippet=lambda c: {"yaml": f"datasource:\n  url: jdbc:postgresql://db:5432/app?user=app&password={pw()}",
                       "dotenv": f"JDBC_URL=jdbc:mysql://db:3306/app?user=root&password={pw()}"}[c])
add("HTTP", "URL with basic-auth credentials", "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
    None, None, cats=("secret",), n=4, contexts=["shell-history", "dotenv", "python", "log"],
    snippet=lambda c: {"shell-history": f"git clone https://deploy:{rs(ALNUM, 20)}@git.{rs(LO, 6)}.com/team/app.git",
                       "dotenv": f"PIP_INDEX_URL=https://ci:{pw()}@pypi.{rs(LO, 6)}.io/simple/",
                       "python": f'requests.get("https://admin:{pw()}@intranet.{rs(LO, 6)}.com/api/status")',
                       "log": f"fetching https://svc:{pw()}@artifacts.{rs(LO, 6)}.net/releases/app.tar.gz"}[c],
    negs=[("git clone https://github.com/user/repo.git", "no-secret"),
          ("https://user:pass@example.com/path", "doc-example")])
add("netrc", "machine password", "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html",
    None, None, cats=("secret",), n=2, contexts=["raw", "raw"],
    snippet=lambda c: f"machine api.{rs(LO, 6)}.com\n  login ci@{rs(LO, 5)}.com\n  password {rs(ALNUM, 32)}")
add("PostgreSQL", ".pgpass entry", "https://www.postgresql.org/docs/current/libpq-pgpass.html",
    None, None, cats=("secret",), n=2, contexts=["raw", "raw"],
    snippet=lambda c: f"db.{rs(LO, 6)}.internal:5432:orders:app_user:{pw()}")

# --- JWTs / generic -----------------------------------------------------------------
add("JWT", "signed JSON Web Token (bearer)", "https://www.rfc-editor.org/rfc/rfc7519",
    lambda: jwt({"sub": rs(DIG, 8), "name": "svc-" + rs(LO, 5), "iat": 1764400000, "exp": 1796000000, "scope": "admin"}),
    "API_JWT", n=6, cats=("secret",),
    contexts=["curl", "log", "dotenv", "python", "javascript", "json"],
    negs=[('token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>"', "placeholder")])
add("Generic", "password assignment", "https://cwe.mitre.org/data/definitions/798.html",
    pw, "DB_PASSWORD", n=8, cats=("secret", "generic"),
    contexts=["dotenv", "yaml", "python", "java", "php", "xml", "ini", "k8s-secret"],
    negs=[("DB_PASSWORD=", "no-secret"), ("password: changeme", "placeholder"), ("DB_PASSWORD=${DB_PASSWORD}", "env-reference"),
          ('password = getpass.getpass("Password: ")', "no-secret"), ("password: ********", "redacted"),
          ('if not password:\n    raise ValueError("password is required")', "no-secret")])
add("Generic", "API secret assignment", "https://cwe.mitre.org/data/definitions/798.html",
    lambda: rs(ALNUM, 40), "CLIENT_SECRET", n=5, cats=("secret", "generic"),
    contexts=["dotenv", "yaml", "python", "json", "go"],
    negs=[("CLIENT_SECRET=your_client_secret_here", "placeholder"), ('client_secret = os.getenv("CLIENT_SECRET")', "env-reference")])


# ---------------------------------------------------------------------------
# Generic hard negatives: things that look random but are not secrets.
# ---------------------------------------------------------------------------

def generic_negatives():
    out = []

    def n(text, kind, provider="(none)"):
        out.append({"text": text, "neg_kind": kind, "provider": provider})

    for _ in range(12):
        sha = rs(HEX, 40)
        n(R.choice([f"commit {sha}\nAuthor: Dev <dev@example.org>\nDate:   Mon Nov 30 10:00:00 2026 +0000",
                    f"Fixes regression introduced in {sha}.",
                    f"rev = \"{sha}\"  # pinned", f"git checkout {sha}",
                    f"    - uses: actions/checkout@{sha} # v4.2.2"]), "git-sha")
    for _ in range(12):
        u = uuid4()
        n(R.choice([f'{{"id": "{u}", "status": "active"}}', f"request_id={u} latency_ms=12",
                    f"ProjectGuid = \"{{{u.upper()}}}\"", f"INSERT INTO users (id) VALUES ('{u}');",
                    f"correlation-id: {u}"]), "uuid")
    for _ in range(10):
        h = rs(HEX, 64)
        n(R.choice([f"sha256:{h}", f"{h}  dist/app-1.4.2.tar.gz", f'"integrity": "sha512-{base64.b64encode(bytes(R.getrandbits(8) for _ in range(64))).decode()}"',
                    f"FROM node:22-alpine@sha256:{h}", f"checksum = \"{h}\""]), "hash")
    for _ in range(4):
        n(f"{rs(HEX, 32)}  README.md", "hash")
        n(f'etag: "{rs(HEX, 32)}"', "hash")
    for _ in range(8):
        blob = base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.choice([48, 96, 180])))).decode()
        n(R.choice([f'<img src="data:image/png;base64,iVBORw0KGgo{blob}" />', f'"thumbnail": "data:image/jpeg;base64,/9j/4AAQ{blob}"',
                    f"font: url(data:font/woff2;base64,d09GMgAB{blob});"]), "base64-blob")
    for _ in range(6):
        n(f"    version \"{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 9)}\"\n    resolved \"https://registry.yarnpkg.com/pkg/-/pkg-1.0.0.tgz#{rs(HEX, 40)}\"", "lockfile")
    for _ in range(6):
        n(f'    "node_modules/{rs(LO, 7)}": {{\n      "version": "2.{R.randint(0, 9)}.0",\n      "integrity": "sha512-{rs(B64, 86)}=="\n    }}', "lockfile")
    # variable names / references without values
    for v in ["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "STRIPE_SECRET_KEY", "SLACK_BOT_TOKEN",
              "ANTHROPIC_API_KEY", "DATABASE_PASSWORD", "HF_TOKEN", "NPM_TOKEN", "SENDGRID_API_KEY"]:
        n(R.choice([f'{camel(v)} = os.environ["{v}"]', f"const {camel(v)} = process.env.{v};",
                    f'{camel(v)} := os.Getenv("{v}")', f"{v}: ${{{{ secrets.{v} }}}}", f"{v}=\"$(vault kv get -field=value secret/{v.lower()})\"",
                    f"# Set {v} in your environment before running.", f"- name: {v}\n  valueFrom:\n    secretKeyRef:\n      name: app\n      key: {v.lower()}"]),
          "variable-name")
    # docs that describe formats
    n("GitHub personal access tokens start with ghp_ followed by 36 characters.", "doc-text")
    n("Slack bot tokens begin with xoxb-; user tokens begin with xoxp-.", "doc-text")
    n("Set STRIPE_SECRET_KEY to your sk_live_... key in production and sk_test_... locally.", "doc-text")
    n("OpenAI keys look like sk-proj-... ; never commit them.", "doc-text")
    n("Your Hugging Face token (hf_...) can be created under Settings > Access Tokens.", "doc-text")
    # random-looking identifiers
    for _ in range(6):
        n(R.choice([f"bucket = \"logs-{rs(LO + DIG, 12)}\"", f"arn:aws:iam::{rs(DIG, 12)}:role/deploy",
                    f"subscription_id = \"{uuid4()}\"", f"image: ghcr.io/acme/api:{rs(HEX, 12)}",
                    f"<PackageReference Include=\"Newtonsoft.Json\" Version=\"13.0.{R.randint(1, 3)}\" />",
                    f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{rs(B64, 200)} ops@bastion"]), "identifier")
    # near-miss prefixes (wrong separator / wrong length / wrong alphabet)
    n(f"token = \"ghp-{rs(ALNUM, 36)}\"", "near-miss", "GitHub")
    n(f"token = \"ghp_{rs(ALNUM, 20)}\"", "near-miss", "GitHub")
    n(f"AWS_ACCESS_KEY_ID=AKIA{rs(B32, 10)}", "near-miss", "AWS")
    n(f"id = \"AKIA{rs(LO, 16)}\"", "near-miss", "AWS")
    n(f"glpat_{rs(ALNUM, 20)} is not the format (it uses a dash)", "near-miss", "GitLab")
    n(f"key = \"xoxz-{rs(DIG, 12)}-{rs(ALNUM, 24)}\"", "near-miss", "Slack")
    n(f"const k = \"sk-ant-{rs(LO, 6)}\";", "near-miss", "Anthropic")
    n(f"class_name = \"hf_{rs(LO, 8)}_model\"", "near-miss", "Hugging Face")
    n(f"dckr_pat_{rs(ALNUM, 6)}", "near-miss", "Docker Hub")
    n(f"prefix = 'sk_live_'", "near-miss", "Stripe")
    n(f"SG.{rs(ALNUM, 5)}.{rs(ALNUM, 5)}", "near-miss", "SendGrid")
    n(f"npm_config_cache=/tmp/.npm", "near-miss", "npm")
    n(f"pypi-simple-index = \"https://pypi.org/simple\"", "near-miss", "PyPI")
    # test fixtures / code that handles secrets without containing one
    n('assert redact("token=abc") == "token=[REDACTED]"', "test-code")
    n('def load_token():\n    with open(TOKEN_PATH) as f:\n        return f.read().strip()', "no-secret")
    n('headers["Authorization"] = f"Bearer {token}"', "no-secret")
    n('String password = System.getenv("DB_PASSWORD");', "no-secret")
    n('api_key: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ' + rs(DIG + "abcdef", 64), "encrypted")
    n(f"sops:\n  kms:\n    - arn: arn:aws:kms:us-east-1:{rs(DIG, 12)}:key/{uuid4()}\n  mac: ENC[AES256_GCM,data:{rs(B64, 44)},iv:{rs(B64, 22)}=,tag:{rs(B64, 22)}==,type:str]", "encrypted")
    return out


def build():
    rows = []

    def row(fmt: Fmt | None, text, label, context, neg_kind=None, provider=None):
        d = {"source": "vendor-formats",
             "provider": fmt.provider if fmt else (provider or "(none)"),
             "format": fmt.name if fmt else "not a credential",
             "rule_id": fmt.slug if fmt else "vf.negative",
             "doc_url": fmt.url if fmt else "",
             "categories": fmt.cats if fmt else ["secret"],
             "context": context, "text": text, "label": label}
        if neg_kind:
            d["negative_kind"] = neg_kind
        rows.append(d)

    ci = 0
    auto_neg_i = [0]
    for f in F:
        ctxs = f.contexts or CTX_ORDER
        for i in range(f.n):
            ctx = f.contexts[i % len(f.contexts)] if f.contexts else CTX_ORDER[ci % len(CTX_ORDER)]
            ci += 1
            if f.snippet:
                text = f.snippet(ctx)
            else:
                text = CONTEXTS[ctx](f.var, f.gen())
            row(f, text, 1, ctx)
        for extra in getattr(f, "extra", []):
            row(f, extra(), 1, "config")
        for text, kind in f.negs:
            row(f, text, 0, "mixed", neg_kind=kind)
        if not f.negs and f.gen:
            # one automatic hard negative per format that has none of its own
            k, val = auto_neg_i[0] % 3, f.gen()
            auto_neg_i[0] += 1
            if k == 0:
                row(f, f"2026-11-30T09:12:44Z INFO loaded {f.var}={val[:6]}{'*' * 16} (redacted)", 0, "log", neg_kind="redacted")
            elif k == 1:
                row(f, f"    env:\n      {f.var}: ${{{{ secrets.{f.var} }}}}", 0, "gha", neg_kind="env-reference")
            else:
                slug = f.provider.lower().replace(" ", "-")
                row(f, f"{f.var}=<your-{slug}-{f.name.split(' (')[0].replace(' ', '-')}>", 0, "dotenv", neg_kind="placeholder")
    for g in generic_negatives():
        row(None, g["text"], 0, "mixed", neg_kind=g["neg_kind"], provider=g["provider"])
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file on disk differs")
    ap.add_argument("--stats", action="store_true")
    a = ap.parse_args()
    rows = build()
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    pos = sum(r["label"] for r in rows)
    provs = {r["provider"] for r in rows if r["label"] == 1}
    if True:
        print(f"{len(rows)} examples: {pos} positive, {len(rows) - pos} negative; "
              f"{len(provs)} providers, {len({r['rule_id'] for r in rows if r['label'] == 1})} formats", file=sys.stderr)
    if a.stats:
        c = collections.Counter(r.get("negative_kind") for r in rows if r["label"] == 0)
        print("negative kinds:", dict(c), file=sys.stderr)
        print("contexts:", dict(collections.Counter(r["context"] for r in rows if r["label"] == 1)), file=sys.stderr)
        return 0
    if a.check:
        same = a.out.exists() and a.out.read_text() == data
        print("up to date" if same else f"{a.out} is stale", file=sys.stderr)
        return 0 if same else 1
    a.out.write_text(data)
    print(f"wrote {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
