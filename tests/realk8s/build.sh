#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd for the end-to-end tier from their published Go modules (pinned in
# tests/realk8s/<binary>/go.mod and go.sum) into target/realk8s/bin. A binary is rebuilt only when its pin
# (go.mod, go.sum, main.go) changes: the stamp next to it holds the hash of those files.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/../.."
out=${REALK8S_BIN_DIR:-target/realk8s/bin}
if ! command -v go >/dev/null 2>&1; then
  echo "FATAL: Go is needed to build the real kube-apiserver and etcd (Go >= 1.26 with the Go module proxy)." >&2
  echo "       Install it (e.g. 'apt-get install golang-go' if new enough, or the machine's Go toolchain) and re-run 'make realk8s'." >&2
  exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
for bin in etcd kube-apiserver; do
  src=tests/realk8s/$bin
  want=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" "$self" | sha256sum | cut -d' ' -f1)
  if [ -x "$out/$bin" ] && [ "$(cat "$out/$bin.pin" 2>/dev/null)" = "$want" ]; then
    echo "realk8s: $bin up to date ($("$out/$bin" --version 2>/dev/null | head -1))"
    continue
  fi
  echo "realk8s: building $bin from $src (pinned in go.mod; a cold build takes several minutes on 2 cores)"
  start=$(date +%s)
  ldflags=""
  if [ "$bin" = kube-apiserver ]; then
    # What the upstream release build stamps (hack/lib/version.sh), so /version tells the truth.
    v=$(cd "$src" && go list -mod=readonly -m -f '{{.Version}}' k8s.io/kubernetes)
    major=${v#v}; major=${major%%.*}; minor=${v#v$major.}; minor=${minor%%.*}
    pkg=k8s.io/component-base/version
    ldflags="-X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=$major -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  fi
  (cd "$src" && go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$out/$bin.tmp" .)
  mv "$out/$bin.tmp" "$out/$bin"
  echo "$want" > "$out/$bin.pin"
  echo "realk8s: built $bin in $(( $(date +%s) - start )) s"
done
