//! Table-driven tests: every client's syntax, positive and negative, and
//! installs nested in other commands.

use super::*;
use pretty_assertions::assert_eq;

/// One line per effect: `client: name[@version][ source][ [mode]][ extra=…]`
/// for packages, `manifest|lockfile|requirements|dynamic <ecosystem> <text>`
/// for the rest.
fn render(command: &str) -> Vec<String> {
    let e = install_effects(command);
    let mut out: Vec<String> = e
        .requirements
        .iter()
        .map(|r| {
            let i = &r.install;
            let mut s = format!("{}: {}", r.client, i.name);
            if let Some(v) = &i.version {
                s += &format!("@{v}");
            }
            s += &match &i.source {
                Source::Registry { index: None } => String::new(),
                Source::Registry { index: Some(x) } => format!(" registry={x}"),
                Source::Url { url } => format!(" url={url}"),
                Source::Vcs { url } => format!(" vcs={url}"),
                Source::Path { path } => format!(" path={path}"),
            };
            s += match r.mode {
                Mode::Add => "",
                Mode::Global => " [global]",
                Mode::Run => " [run]",
                Mode::Fetch => " [fetch]",
            };
            if !r.extra_indexes.is_empty() {
                s += &format!(" extra={}", r.extra_indexes.join(","));
            }
            s
        })
        .collect();
    out.extend(e.unresolved.iter().map(|u| match u {
        Unresolved::Manifest { ecosystem, path } => {
            format!("manifest {} {path}", ecosystem.osv_name())
        }
        Unresolved::Lockfile { ecosystem, path } => {
            format!("lockfile {} {path}", ecosystem.osv_name())
        }
        Unresolved::RequirementsFile { ecosystem, path } => {
            format!("requirements {} {path}", ecosystem.osv_name())
        }
        Unresolved::Dynamic { ecosystem, text } => {
            format!("dynamic {} {text}", ecosystem.osv_name())
        }
    }));
    out
}

fn check(cases: &[(&str, &[&str])]) {
    let mut failures = Vec::new();
    for (command, want) in cases {
        let got = render(command);
        if got != *want {
            failures.push(format!("{command}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn npm_install() {
    check(&[
        ("npm install left-pad", &["npm: left-pad"]),
        (
            "npm i left-pad@1.3.0 lodash@^4",
            &["npm: left-pad@1.3.0", "npm: lodash@^4"],
        ),
        ("npm add @babel/core@latest", &["npm: @babel/core@latest"]),
        ("npm isntall typo", &["npm: typo"]),
        ("npm i -D --save-exact eslint", &["npm: eslint"]),
        ("npm i -g npm@10", &["npm: npm@10 [global]"]),
        ("npm install --global=true tsx", &["npm: tsx [global]"]),
        (
            "npm i --registry https://r.test foo",
            &["npm: foo registry=https://r.test"],
        ),
        (
            "npm i --registry=https://r.test foo",
            &["npm: foo registry=https://r.test"],
        ),
        (
            "npm --registry https://r.test install foo",
            &["npm: foo registry=https://r.test"],
        ),
        (
            "npm_config_registry=https://e.test npm i foo",
            &["npm: foo registry=https://e.test"],
        ),
        (
            "npm i --@corp:registry https://corp.test @corp/lib other",
            &["npm: @corp/lib registry=https://corp.test", "npm: other"],
        ),
        ("npm i --prefix ./sub foo", &["npm: foo"]),
        ("npm i -w packages/a foo", &["npm: foo"]),
        ("npm i --tag beta foo", &["npm: foo"]),
        ("npm i foo@npm:bar@2", &["npm: bar@2"]),
        (
            "npm i github:user/repo",
            &["npm: github:user/repo vcs=github:user/repo"],
        ),
        (
            "npm i user/repo#v1",
            &["npm: user/repo#v1 vcs=user/repo#v1"],
        ),
        (
            "npm i git+https://x.test/r.git",
            &["npm: git+https://x.test/r.git vcs=git+https://x.test/r.git"],
        ),
        (
            "npm i https://x.test/p.tgz",
            &["npm: https://x.test/p.tgz url=https://x.test/p.tgz"],
        ),
        (
            "npm i ../lib ./pkg.tgz file:vendor/x",
            &[
                "npm: ../lib path=../lib",
                "npm: ./pkg.tgz path=./pkg.tgz",
                "npm: file:vendor/x path=vendor/x",
            ],
        ),
        ("npm i -- --weird-name", &["npm: --weird-name"]),
        ("npm update lodash", &["npm: lodash"]),
        ("npm install-test foo", &["npm: foo"]),
        // The manifest, the lockfile.
        ("npm install", &["manifest npm package.json"]),
        ("npm i --prefix web", &["manifest npm web/package.json"]),
        ("npm -C web i", &["manifest npm web/package.json"]),
        ("npm update", &["manifest npm package.json"]),
        ("npm ci", &["lockfile npm package-lock.json"]),
        (
            "npm clean-install --ignore-scripts",
            &["lockfile npm package-lock.json"],
        ),
        ("npm i $PKG", &["dynamic npm $PKG"]),
        // Not installs.
        ("npm run install", &[]),
        ("npm run build -- --registry x", &[]),
        ("npm test", &[]),
        ("npm ls left-pad", &[]),
        ("npm uninstall left-pad", &[]),
        ("npm view left-pad", &[]),
        ("npm init", &[]),
        ("npm", &[]),
    ]);
}

#[test]
fn npm_runners() {
    check(&[
        ("npx cowsay hi", &["npx: cowsay [run]"]),
        (
            "npx -y create-react-app@5 my-app",
            &["npx: create-react-app@5 [run]"],
        ),
        (
            "npx --yes @scope/tool@1.2 --flag arg",
            &["npx: @scope/tool@1.2 [run]"],
        ),
        (
            "npx -p typescript -p ts-node ts-node x.ts",
            &["npx: typescript [run]", "npx: ts-node [run]"],
        ),
        ("npx --package=evil tool", &["npx: evil [run]"]),
        ("npx -p yo -c 'yo webapp'", &["npx: yo [run]"]),
        ("npx -c 'npm i hidden'", &["npm: hidden"]),
        (
            "npx --registry https://r.test foo",
            &["npx: foo registry=https://r.test [run]"],
        ),
        ("npx -- foo --registry x", &["npx: foo [run]"]),
        ("npm exec -- eslint .", &["npm: eslint [run]"]),
        ("npm x -p pkg -- bin", &["npm: pkg [run]"]),
        (
            "npm exec --package=a -c 'pip install b'",
            &["npm: a [run]", "pip: b"],
        ),
        (
            "npm init vite@latest my-app",
            &["npm: create-vite@latest [run]"],
        ),
        ("npm create @scope", &["npm: @scope/create [run]"]),
        ("npm init -y", &[]),
        ("npx", &[]),
    ]);
}

#[test]
fn pnpm() {
    check(&[
        ("pnpm add left-pad", &["pnpm: left-pad"]),
        ("pnpm add -D -w vitest@^1", &["pnpm: vitest@^1"]),
        ("pnpm -C packages/a add foo", &["pnpm: foo"]),
        ("pnpm --filter web add foo", &["pnpm: foo"]),
        ("pnpm add -g pnpm", &["pnpm: pnpm [global]"]),
        (
            "pnpm add --registry https://r.test x",
            &["pnpm: x registry=https://r.test"],
        ),
        ("pnpm add foo@workspace:*", &["pnpm: foo path=*"]),
        (
            "pnpm add jsr:@std/path",
            &["pnpm: @std/path registry=https://npm.jsr.io"],
        ),
        ("pnpm i", &["manifest npm package.json"]),
        (
            "pnpm install --frozen-lockfile",
            &["lockfile npm pnpm-lock.yaml"],
        ),
        ("pnpm --dir web install", &["manifest npm web/package.json"]),
        ("pnpm update lodash", &["pnpm: lodash"]),
        ("pnpm dlx create-vite my-app", &["pnpm: create-vite [run]"]),
        (
            "pnpm dlx --package=yo --package=generator-webapp yo webapp",
            &["pnpm: yo [run]", "pnpm: generator-webapp [run]"],
        ),
        ("pnpm dlx -c 'echo hi | cowsay'", &["pnpm: echo [run]"]),
        ("pnpx degit user/repo", &["pnpm: degit [run]"]),
        ("pnpm create next-app", &["pnpm: create-next-app [run]"]),
        ("pnpm exec pip install x", &["pip: x"]),
        ("pnpm run build", &[]),
        ("pnpm remove foo", &[]),
        ("pnpm exec eslint .", &[]),
    ]);
}

#[test]
fn yarn() {
    check(&[
        ("yarn add react", &["yarn: react"]),
        (
            "yarn add -D -E typescript@5.4.5",
            &["yarn: typescript@5.4.5"],
        ),
        ("yarn add --cwd web foo", &["yarn: foo"]),
        ("yarn global add serve", &["yarn: serve [global]"]),
        (
            "yarn add --registry https://r.test foo",
            &["yarn: foo registry=https://r.test"],
        ),
        ("yarn", &["manifest npm package.json"]),
        ("yarn install", &["manifest npm package.json"]),
        ("yarn --cwd web", &["manifest npm web/package.json"]),
        ("yarn install --immutable", &["lockfile npm yarn.lock"]),
        (
            "yarn install --frozen-lockfile",
            &["lockfile npm yarn.lock"],
        ),
        ("yarn up lodash@4", &["yarn: lodash@4"]),
        ("yarn dlx create-vite", &["yarn: create-vite [run]"]),
        (
            "yarn dlx -p typescript tsc --init",
            &["yarn: typescript [run]"],
        ),
        (
            "yarn create react-app my-app",
            &["yarn: create-react-app [run]"],
        ),
        ("yarn workspace web add foo", &["yarn: foo"]),
        ("yarn exec npm i z", &["npm: z"]),
        ("yarn build", &[]),
        ("yarn test --watch", &[]),
        ("yarn remove foo", &[]),
    ]);
}

#[test]
fn bun() {
    check(&[
        ("bun add zod", &["bun: zod"]),
        ("bun a -d @types/node", &["bun: @types/node"]),
        ("bun add -g cowsay", &["bun: cowsay [global]"]),
        (
            "bun add --cwd web --registry https://r.test x",
            &["bun: x registry=https://r.test"],
        ),
        ("bun install left-pad", &["bun: left-pad"]),
        ("bun i", &["manifest npm package.json"]),
        ("bun install --frozen-lockfile", &["lockfile npm bun.lock"]),
        ("bun x cowsay hi", &["bunx: cowsay [run]"]),
        ("bunx --bun vite@5", &["bunx: vite@5 [run]"]),
        (
            "bunx -p @angular/cli ng new app",
            &["bunx: @angular/cli [run]"],
        ),
        ("bun create vite app", &["bun: create-vite [run]"]),
        (
            "bun create user/template",
            &["bun: user/template vcs=user/template [run]"],
        ),
        ("bun run dev", &[]),
        ("bun test", &[]),
        ("bun remove zod", &[]),
    ]);
}

#[test]
fn pip() {
    check(&[
        ("pip install requests", &["pip: requests"]),
        (
            "pip3 install requests==2.31.0 'urllib3>=2,<3'",
            &["pip: requests@2.31.0", "pip: urllib3@>=2,<3"],
        ),
        (
            "pip install 'name[extra]>=1 ; python_version<\"3.11\"'",
            &["pip: name@>=1"],
        ),
        ("pip install -U --pre --user black", &["pip: black"]),
        ("pip install -qU black", &["pip: black"]),
        ("pip install -t vendor requests", &["pip: requests"]),
        (
            "pip install --target=vendor --prefix /opt requests",
            &["pip: requests"],
        ),
        (
            "pip install -i https://idx.test/simple foo",
            &["pip: foo registry=https://idx.test/simple"],
        ),
        (
            "pip install foo --index-url https://idx.test/simple",
            &["pip: foo registry=https://idx.test/simple"],
        ),
        (
            "pip install --extra-index-url https://extra.test/simple foo",
            &["pip: foo extra=https://extra.test/simple"],
        ),
        (
            "pip install --no-index -f ./wheels foo",
            &["pip: foo extra=./wheels"],
        ),
        (
            "PIP_INDEX_URL=https://e.test pip install foo",
            &["pip: foo registry=https://e.test"],
        ),
        (
            "pip install -r requirements.txt",
            &["requirements PyPI requirements.txt"],
        ),
        (
            "pip install -rrequirements-dev.txt -c constraints.txt",
            &["requirements PyPI requirements-dev.txt"],
        ),
        (
            "pip install --requirement=req.txt extra-pkg",
            &["pip: extra-pkg", "requirements PyPI req.txt"],
        ),
        ("pip install -e .", &["pip: . path=."]),
        (
            "pip install -e git+https://x.test/r.git#egg=evil",
            &["pip: evil vcs=git+https://x.test/r.git#egg=evil"],
        ),
        ("pip install .", &["pip: . path=."]),
        (
            "pip install ./dist/evil-1.0-py3-none-any.whl",
            &["pip: evil@1.0 path=./dist/evil-1.0-py3-none-any.whl"],
        ),
        (
            "pip install https://x.test/evil-2.0.tar.gz",
            &["pip: evil@2.0 url=https://x.test/evil-2.0.tar.gz"],
        ),
        (
            "pip install 'pkg @ https://x.test/p.zip'",
            &["pip: pkg url=https://x.test/p.zip"],
        ),
        ("pip install -C key=val foo", &["pip: foo"]),
        ("pip --python .venv/bin/python install foo", &["pip: foo"]),
        ("pip --proxy http://p.test:3128 install foo", &["pip: foo"]),
        ("pip3.12 install foo", &["pip: foo"]),
        ("python -m pip install foo", &["pip: foo"]),
        ("python3.11 -I -m pip install --upgrade pip", &["pip: pip"]),
        ("py -m pip install foo", &["pip: foo"]),
        ("/opt/venv/bin/pip install foo", &["pip: foo"]),
        ("pip download foo==1 -d dist", &["pip: foo@1 [fetch]"]),
        ("pip wheel -w wheels bar", &["pip: bar [fetch]"]),
        ("pip install $PKG", &["dynamic PyPI $PKG"]),
        // Not installs.
        ("pip list", &[]),
        ("pip show requests", &[]),
        ("pip freeze", &[]),
        ("pip uninstall -y requests", &[]),
        ("pip install", &[]),
        ("python -m venv .venv", &[]),
        ("python -c 'import pip' install foo", &[]),
        ("python script.py -m pip install foo", &[]),
        ("pipenv --version", &[]),
    ]);
}

#[test]
fn uv() {
    check(&[
        ("uv pip install requests", &["uv: requests"]),
        ("uv pip install -r requirements.in", &["requirements PyPI requirements.in"]),
        ("uv pip install -e ./lib flask", &["uv: ./lib path=./lib", "uv: flask"]),
        ("uv pip install --index-url https://i.test foo", &["uv: foo registry=https://i.test"]),
        ("uv pip install --default-index https://i.test foo", &["uv: foo registry=https://i.test"]),
        ("uv pip install --extra-index-url https://x.test foo", &["uv: foo extra=https://x.test"]),
        ("uv pip install --python 3.12 --system foo", &["uv: foo"]),
        ("uv pip sync requirements.txt", &["requirements PyPI requirements.txt"]),
        ("uv add httpx", &["uv: httpx"]),
        ("uv add --dev 'pytest>=8'", &["uv: pytest@>=8"]),
        ("uv add --optional network httpx", &["uv: httpx"]),
        ("uv add --group lint ruff==0.4.0", &["uv: ruff@0.4.0"]),
        ("uv add --editable ./lib", &["uv: ./lib path=./lib"]),
        ("uv add git+https://github.com/encode/httpx --tag 0.27.0", &[
            "uv: git+https://github.com/encode/httpx vcs=git+https://github.com/encode/httpx",
        ]),
        ("uv add 'httpx @ git+https://github.com/encode/httpx'", &["uv: httpx vcs=git+https://github.com/encode/httpx"]),
        ("uv add -r requirements.txt", &["requirements PyPI requirements.txt"]),
        ("uv add --index https://extra.test foo", &["uv: foo extra=https://extra.test"]),
        ("UV_INDEX_URL=https://e.test uv add foo", &["uv: foo registry=https://e.test"]),
        ("uv --directory app add foo", &["uv: foo"]),
        ("uv sync", &["manifest PyPI pyproject.toml"]),
        ("uv sync --locked", &["lockfile PyPI uv.lock"]),
        ("uv --project app sync --frozen", &["lockfile PyPI app/uv.lock"]),
        ("uvx ruff", &["uvx: ruff [run]"]),
        ("uvx ruff@0.3.0 check .", &["uvx: ruff@0.3.0 [run]"]),
        ("uvx ruff@latest check", &["uvx: ruff@latest [run]"]),
        ("uvx --from httpie http GET x.test", &["uvx: httpie [run]"]),
        ("uvx --from 'ruff>0.2,<0.3' ruff check", &["uvx: ruff@>0.2,<0.3 [run]"]),
        ("uvx --from git+https://github.com/httpie/cli httpie", &[
            "uvx: git+https://github.com/httpie/cli vcs=git+https://github.com/httpie/cli [run]",
        ]),
        ("uvx --with mkdocs-material mkdocs serve", &["uvx: mkdocs-material [run]", "uvx: mkdocs [run]"]),
        ("uvx -w 'a,b>=1,<2' tool", &["uvx: a [run]", "uvx: b@>=1,<2 [run]", "uvx: tool [run]"]),
        ("uvx --python 3.12 --index-url https://i.test black", &["uvx: black registry=https://i.test [run]"]),
        ("uv tool run pycowsay hi", &["uv: pycowsay [run]"]),
        ("uv tool install ruff", &["uv: ruff [global]"]),
        ("uv tool install --with dep -e . ", &["uv: dep [global]", "uv: . path=. [global]"]),
        ("uv tool upgrade ruff", &["uv: ruff [global]"]),
        ("uv run --with rich python x.py", &["uv: rich [run]"]),
        ("uv run --with-requirements req.txt app.py", &["requirements PyPI req.txt"]),
        ("uv run pip install sneaky", &["pip: sneaky"]),
        ("uv run -- python -m pip install sneaky", &["pip: sneaky"]),
        ("uvx --from pip pip install inner", &["uvx: pip [run]", "pip: inner"]),
        // Not installs.
        ("uv pip list", &[]),
        ("uv pip uninstall foo", &[]),
        ("uv venv", &[]),
        ("uv run pytest", &[]),
        ("uv lock", &[]),
        ("uv remove httpx", &[]),
        ("uv tool list", &[]),
        ("uvx", &[]),
    ]);
}

#[test]
fn pipx() {
    check(&[
        ("pipx install black", &["pipx: black [global]"]),
        (
            "pipx install black==24.1.0 --python python3.12",
            &["pipx: black@24.1.0 [global]"],
        ),
        (
            "pipx install --index-url https://i.test tool",
            &["pipx: tool registry=https://i.test [global]"],
        ),
        (
            "pipx install --pip-args '--extra-index-url https://x.test' tool",
            &["pipx: tool [global] extra=https://x.test"],
        ),
        (
            "pipx install --preinstall helper tool",
            &["pipx: helper [global]", "pipx: tool [global]"],
        ),
        (
            "pipx install git+https://x.test/r.git",
            &["pipx: git+https://x.test/r.git vcs=git+https://x.test/r.git [global]"],
        ),
        (
            "pipx inject myvenv extra1 extra2",
            &["pipx: extra1 [global]", "pipx: extra2 [global]"],
        ),
        ("pipx upgrade black", &["pipx: black [global]"]),
        ("pipx run pycowsay moo", &["pipx: pycowsay [run]"]),
        (
            "pipx run 'black==23.1' --check .",
            &["pipx: black@23.1 [run]"],
        ),
        (
            "pipx run --spec httpie http x.test",
            &["pipx: httpie [run]"],
        ),
        ("pipx list", &[]),
        ("pipx uninstall black", &[]),
        ("pipx ensurepath", &[]),
    ]);
}

#[test]
fn poetry() {
    check(&[
        ("poetry add requests", &["poetry: requests"]),
        ("poetry add pendulum@^2.0.5", &["poetry: pendulum@^2.0.5"]),
        ("poetry add 'requests>=2.25' pytest@latest", &["poetry: requests@>=2.25", "poetry: pytest@latest"]),
        ("poetry add --group dev pytest", &["poetry: pytest"]),
        ("poetry add -G dev -E socks requests", &["poetry: requests"]),
        ("poetry add --source internal mylib", &["poetry: mylib registry=internal"]),
        ("poetry add git+https://github.com/sdispater/pendulum.git", &[
            "poetry: git+https://github.com/sdispater/pendulum.git vcs=git+https://github.com/sdispater/pendulum.git",
        ]),
        ("poetry add ../my-package/", &["poetry: ../my-package/ path=../my-package/"]),
        ("poetry add 'requests[security,socks]'", &["poetry: requests"]),
        ("poetry install", &["manifest PyPI pyproject.toml"]),
        ("poetry -C app install --no-root", &["manifest PyPI app/pyproject.toml"]),
        ("poetry update", &["manifest PyPI pyproject.toml"]),
        ("poetry update requests", &["poetry: requests"]),
        ("poetry self add poetry-plugin-export", &["poetry: poetry-plugin-export [global]"]),
        ("poetry run pip install x", &["pip: x"]),
        ("poetry show", &[]),
        ("poetry remove requests", &[]),
        ("poetry run pytest", &[]),
        ("poetry source add internal https://i.test", &[]),
    ]);
}

#[test]
fn cargo() {
    check(&[
        ("cargo add serde", &["cargo: serde"]),
        (
            "cargo add serde@1.0 tokio@=1.36.0",
            &["cargo: serde@1.0", "cargo: tokio@=1.36.0"],
        ),
        ("cargo add serde --features derive", &["cargo: serde"]),
        ("cargo add -F derive serde", &["cargo: serde"]),
        ("cargo add --dev --optional foo", &["cargo: foo"]),
        (
            "cargo add --git https://x.test/r.git",
            &["cargo: https://x.test/r.git vcs=https://x.test/r.git"],
        ),
        (
            "cargo add --git https://x.test/r.git --branch main mycrate",
            &["cargo: mycrate vcs=https://x.test/r.git"],
        ),
        (
            "cargo add --path ../local",
            &["cargo: ../local path=../local"],
        ),
        (
            "cargo add --registry corp foo",
            &["cargo: foo registry=corp"],
        ),
        ("cargo add -p member --rename s serde", &["cargo: serde"]),
        ("cargo -C sub add x", &["cargo: x"]),
        ("cargo +nightly add x", &["cargo: x"]),
        ("cargo install ripgrep", &["cargo: ripgrep [global]"]),
        (
            "cargo install ripgrep --version 14.1.0",
            &["cargo: ripgrep@14.1.0 [global]"],
        ),
        (
            "cargo install ripgrep@14 --locked",
            &["cargo: ripgrep@14 [global]"],
        ),
        (
            "cargo install --git https://x.test/r.git tool",
            &["cargo: tool vcs=https://x.test/r.git [global]"],
        ),
        ("cargo install --path .", &["cargo: . path=. [global]"]),
        (
            "cargo install --index sparse+https://r.test/ foo",
            &["cargo: foo registry=sparse+https://r.test/ [global]"],
        ),
        (
            "cargo install --root /opt -j 4 foo",
            &["cargo: foo [global]"],
        ),
        (
            "cargo binstall cargo-nextest@0.9",
            &["cargo: cargo-nextest@0.9 [global]"],
        ),
        ("cargo-binstall --version 1 foo", &["cargo: foo@1 [global]"]),
        ("cargo install --list", &[]),
        ("cargo install", &[]),
        ("cargo build --release", &[]),
        ("cargo run -- add foo", &[]),
        ("cargo remove serde", &[]),
    ]);
}

#[test]
fn go() {
    check(&[
        (
            "go get golang.org/x/tools@v0.20.0",
            &["go: golang.org/x/tools@v0.20.0"],
        ),
        ("go get -u github.com/x/y", &["go: github.com/x/y"]),
        ("go get -t -d ./...", &["go: ./... path=./..."]),
        ("go get example.com/m@none", &[]),
        ("go get -u all", &["manifest Go go.mod"]),
        (
            "go install golang.org/x/tools/gopls@latest",
            &["go: golang.org/x/tools/gopls@latest [global]"],
        ),
        (
            "go install -ldflags '-s -w' -tags netgo example.com/cmd@v1",
            &["go: example.com/cmd@v1 [global]"],
        ),
        (
            "go install -mod=mod example.com/cmd@v1",
            &["go: example.com/cmd@v1 [global]"],
        ),
        (
            "go install ./cmd/tool",
            &["go: ./cmd/tool path=./cmd/tool [global]"],
        ),
        (
            "GOPROXY=https://evil.test go get x.test/m",
            &["go: x.test/m registry=https://evil.test"],
        ),
        (
            "GOPROXY=https://proxy.golang.org,direct go get x.test/m",
            &["go: x.test/m"],
        ),
        (
            "go run example.com/tool@v1.2.3 -flag",
            &["go: example.com/tool@v1.2.3 [run]"],
        ),
        ("go mod download", &["manifest Go go.mod"]),
        (
            "go mod download example.com/m@v1",
            &["go: example.com/m@v1 [fetch]"],
        ),
        ("go run .", &[]),
        ("go run main.go", &[]),
        ("go build ./...", &[]),
        ("go mod tidy", &[]),
        ("go test ./...", &[]),
    ]);
}

#[test]
fn ruby() {
    check(&[
        ("gem install rails", &["gem: rails [global]"]),
        ("gem install rails -v 7.1.0", &["gem: rails@7.1.0 [global]"]),
        (
            "gem install rails --version '~> 7.1'",
            &["gem: rails@~> 7.1 [global]"],
        ),
        (
            "gem install rails:7.0.0 rake",
            &["gem: rails@7.0.0 [global]", "gem: rake [global]"],
        ),
        (
            "gem install --source https://g.test evil",
            &["gem: evil registry=https://g.test [global]"],
        ),
        (
            "gem install -N --user-install -i /tmp/gems bundler",
            &["gem: bundler [global]"],
        ),
        (
            "gem install ./evil-1.0.gem",
            &["gem: ./evil-1.0.gem path=./evil-1.0.gem [global]"],
        ),
        ("gem install -g Gemfile", &["manifest RubyGems Gemfile"]),
        ("bundle add rack --version '~> 3'", &["bundle: rack@~> 3"]),
        (
            "bundle add mygem --git https://x.test/r.git",
            &["bundle: mygem vcs=https://x.test/r.git"],
        ),
        (
            "bundle add mygem --github me/r",
            &["bundle: mygem vcs=github:me/r"],
        ),
        ("bundle install", &["manifest RubyGems Gemfile"]),
        (
            "bundle install --gemfile gemfiles/rails7.gemfile",
            &["manifest RubyGems gemfiles/rails7.gemfile"],
        ),
        ("bundle exec gem install x", &["gem: x [global]"]),
        ("gem list", &[]),
        ("gem uninstall rails", &[]),
        ("bundle exec rspec", &[]),
    ]);
}

#[test]
fn nesting() {
    check(&[
        ("cd web && npm i foo", &["npm: foo"]),
        ("bash -c 'pip install bar'", &["pip: bar"]),
        ("sh -c \"cd x; yarn add z\"", &["yarn: z"]),
        ("echo $(npx evil)", &["npx: evil [run]"]),
        ("sudo npm i -g evil", &["npm: evil [global]"]),
        ("sudo -H pip3 install evil", &["pip: evil"]),
        (
            "env PIP_INDEX_URL=https://e.test pip install foo",
            &["pip: foo registry=https://e.test"],
        ),
        ("timeout 60 cargo install evil", &["cargo: evil [global]"]),
        (
            "true; go install evil.test/x@v1 || true",
            &["go: evil.test/x@v1 [global]"],
        ),
        (
            "if true; then gem install evil; fi",
            &["gem: evil [global]"],
        ),
        (
            "for p in a b; do pip install $p; done",
            &["dynamic PyPI $p"],
        ),
        ("echo foo | xargs npm i", &["dynamic npm xargs input"]),
        (
            "cat reqs | xargs -n1 pip install",
            &["dynamic PyPI xargs input"],
        ),
        (
            "find . -name '*.gem' -exec gem install {} \\;",
            &["dynamic RubyGems {}"],
        ),
        ("eval 'npm i evil'", &["npm: evil"]),
        (
            "npm i a && pip install b; cargo add c",
            &["npm: a", "pip: b", "cargo: c"],
        ),
        ("uv run bash -c 'npm i deep'", &["npm: deep"]),
        ("corepack pnpm@9.1.0 add x", &["pnpm: x"]),
        ("corepack yarn dlx y", &["yarn: y [run]"]),
        ("xargs -I{} npm i {} < list", &["dynamic npm {}"]),
        ("npm i --registry $R foo", &["npm: foo registry=$R"]),
        ("pip install \"$@\"", &["dynamic PyPI $@"]),
        ("corepack enable", &[]),
        // Arguments that merely mention an install.
        ("echo pip install x", &[]),
        ("printf '%s' 'npm i evil'", &[]),
        ("git commit -m 'npm install foo'", &[]),
        ("grep -r 'pip install' .", &[]),
        ("man npm-install", &[]),
    ]);
}

#[test]
fn ecosystems_and_modes_are_set() {
    let e = install_effects("npm i a; pip install b; cargo install c; go get d; gem install e");
    let got: Vec<(Ecosystem, Mode)> = e
        .requirements
        .iter()
        .map(|r| (r.install.ecosystem, r.mode))
        .collect();
    assert_eq!(
        got,
        [
            (Ecosystem::Npm, Mode::Add),
            (Ecosystem::PyPI, Mode::Add),
            (Ecosystem::CratesIo, Mode::Global),
            (Ecosystem::Go, Mode::Add),
            (Ecosystem::RubyGems, Mode::Global),
        ]
    );
    assert_eq!(installs("npm i a")[0].name, "a");
    assert!(install_effects("ls").is_empty());
}

#[test]
fn per_command_api_matches_whole_line() {
    let a = palisade_shell::analyze("cd x && uv add httpx");
    let per: Vec<Install> = a
        .commands
        .iter()
        .flat_map(|c| command_install_effects(c).requirements)
        .map(|r| r.install)
        .collect();
    assert_eq!(per, installs("cd x && uv add httpx"));
}

#[test]
fn nesting_is_bounded() {
    // Each level is a client running the next; past the limit nothing more
    // is followed, and nothing panics.
    let mut cmd = String::from("pip install deep");
    for _ in 0..12 {
        cmd = format!("uv run {cmd}");
    }
    let _ = install_effects(&cmd);
}

mod props {
    use super::super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = install_effects(&s);
        }

        #[test]
        fn never_panics_on_client_lines(
            client in prop::sample::select(vec![
                "npm i", "npx", "pnpm add", "pnpm dlx", "yarn add", "yarn dlx", "bun add", "bunx",
                "pip install", "python -m pip install", "pipx install", "pipx run", "uv pip install",
                "uv add", "uvx", "uv run", "poetry add", "cargo add", "cargo install", "go get",
                "go install", "gem install", "bundle add",
            ]),
            args in prop::collection::vec("[-@a-z0-9:/=.,<>~^!\\[\\]#+ ]{0,12}", 0..6),
        ) {
            let line = format!("{client} {}", args.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" "));
            let e = install_effects(&line);
            for r in &e.requirements {
                prop_assert!(!r.install.name.is_empty());
            }
        }
    }
}
