#!/usr/bin/env bash
# Tier-2 engine setup: builds the real Terraform providers that the prebuilt cdktf bindings target
# into a local filesystem mirror, from the Go module proxy, and writes a Terraform CLI config
# that installs them from there (no registry access needed). Idempotent and cached: when every
# binary exists with a stamp matching its pin, it does nothing.
#
# Output, all under the cache dir ${CONSUL_PEERING_ENGINE_CACHE:-$HOME/.cache/cdktf-consul-peering/engine}:
#   mirror/<host>/<namespace>/<type>/<version>/linux_amd64/terraform-provider-<type>_v<version>
#   terraformrc     TF_CLI_CONFIG_FILE for terraform/tofu (filesystem_mirror + direct exclude)
#   engine.env      TERRAFORM_BINARY_NAME=... and TF_CLI_CONFIG_FILE=... (cdktf CLI compatible)
#   providers.tsv   one line a provider: source, type, status (built|unavailable), version, module, note
#   bin/consul-<v>  the Consul server binary of the live tier (test/engine/consul-live.test.ts)
#   consul.env      CONSUL_BINARY=... and CONSUL_VERSION=..., or CONSUL_UNAVAILABLE=<why>
#
# Environment:
#   CONSUL_PEERING_ENGINE_CACHE   cache dir (see above)
#   CONSUL_PEERING_ENGINE_CLI     terraform (default when on PATH) | tofu (build OpenTofu even if terraform exists)
#   CONSUL_PEERING_ENGINE_STRICT  1: exit 3 when a provider cannot be obtained (default: record it and exit 0)
#
# A provider whose every pin the Go module proxy refuses is recorded as "unavailable" (exit 0, or 3
# when strict); a provider that downloads but fails to build is an error (exit 1).
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Pins: the one place that names exact upstream commits. Each provider lists candidate pins in
# order of preference, each as "<module path to fetch>@<commit or version>|<mirror version label>".
# The first candidate is the release the prebuilt bindings were generated from (package.json pins
# @cdktf/provider-consul 10.1.2 = hashicorp/consul 2.22.1, @cdktf/provider-docker 12.0.3 =
# kreuzwerker/docker 3.6.2). Later candidates are exact pins used only if the proxy refuses the
# earlier ones; the label then says which version really was built, and the engine harness
# points required_providers at it (never relabelling another build as the bindings' version).
# ---------------------------------------------------------------------------------------------
CONSUL_SOURCE="hashicorp/consul"
CONSUL_BINDINGS_VERSION="2.22.1"
CONSUL_PINS=(
  # v2.22.1 (go.mod: module github.com/hashicorp/terraform-provider-consul, no /v2 -> pseudo-version)
  "github.com/hashicorp/terraform-provider-consul@b2798b33bd40c3efe2380276a0e0ef2523990ba0|2.22.1"
)
DOCKER_SOURCE="kreuzwerker/docker"
DOCKER_BINDINGS_VERSION="3.6.2"
DOCKER_PINS=(
  # v3.6.2 (go.mod still declares github.com/terraform-providers/terraform-provider-docker)
  "github.com/kreuzwerker/terraform-provider-docker@2f20f8c3ce8290fcd03d96e69c7bc6338897a479|3.6.2"
  # untagged commit after v4.6.0 (2026-09-16); v4 only removed docker_network.check_duplicate
  # from the v3 schema (docs/v3_v4_migration.md)
  "github.com/kreuzwerker/terraform-provider-docker@v0.0.0-20260916201441-96d331c98ff4|4.6.1-0.20260916201441.96d331c98ff4"
)
# Consul for the live tier. v1.14.0 is the newest Consul that is MPL-2.0 and builds from the Go module
# proxy (later 1.14 patches need an api module version the proxy does not serve; 1.15+ need submodules the
# package lists mark not-to-use; 1.17+ are not open source), and the first with peering through mesh
# gateways. The module hash is pinned (go.sum "h1:" of the module zip) and its LICENSE must be MPL-2.0.
CONSUL_SERVER_PIN="github.com/hashicorp/consul@v1.14.0"
CONSUL_SERVER_VERSION="1.14.0"
CONSUL_SERVER_SUM="h1:5tVQkQ9VAzZikD3cg8dz2y6mKXIRK53vl3LF2AJkMAM="
# OpenTofu (MPL-2.0), built only when no terraform CLI is installed (or CONSUL_PEERING_ENGINE_CLI=tofu).
TOFU_PIN="github.com/opentofu/opentofu@v1.10.10"
TOFU_PACKAGE="github.com/opentofu/opentofu/cmd/tofu"
# Mirror hostnames: terraform resolves "consul" to registry.terraform.io/hashicorp/consul; OpenTofu
# resolves the same short source to registry.opentofu.org/hashicorp/consul.
MIRROR_HOSTS=(registry.terraform.io registry.opentofu.org)
# ---------------------------------------------------------------------------------------------

CACHE="${CONSUL_PEERING_ENGINE_CACHE:-$HOME/.cache/cdktf-consul-peering/engine}"
STRICT="${CONSUL_PEERING_ENGINE_STRICT:-0}"
PLATFORM="$(go env GOOS 2>/dev/null || echo linux)_$(go env GOARCH 2>/dev/null || echo amd64)"
START=$(date +%s.%N)

mkdir -p "$CACHE/mirror" "$CACHE/stamps" "$CACHE/build" "$CACHE/bin"
exec 9>"$CACHE/.lock"
flock 9 # one setup at a time (parallel jest workers, two shells)

log() { printf 'engine-setup: %s\n' "$*" >&2; }
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1fs", e - s }'; }
oneline() { tr '\t\n\r' '   ' | sed -e 's/  */ /g' -e 's/^ //' -e 's/ $//' | cut -c1-400; }

# The Go toolchain is needed only when something has to be built; checked lazily.
need_go() {
  command -v go >/dev/null 2>&1 || { log "go is not installed; cannot build $1"; exit 1; }
}

# Generates a throwaway wrapper module in $CACHE/build/<name> that requires the pinned module,
# repeats its replace directives (go build ignores a dependency's replaces), and builds <pkg>.
# Usage: go_build <name> <fetch-module@query> <package or ""(= module root)> <output> <ldflags>
# Sets GB_VERSION (resolved version) or GB_REFUSED (why the proxy would not serve it).
go_build() {
  local name="$1" spec="$2" pkg="$3" out="$4" ldflags="$5"
  local fetch_path="${spec%@*}" query="${spec#*@}" dir="$CACHE/build/$name" info
  GB_VERSION="" GB_REFUSED=""
  need_go "$name"
  rm -rf "$dir" && mkdir -p "$dir"
  if ! info="$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "$fetch_path@$query" 2>&1)"; then
    GB_REFUSED="$(printf '%s' "$info" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(JSON.parse(s).Error||s)}catch{process.stdout.write(s)}})' | oneline)"
    GB_REFUSED="${GB_REFUSED#"$spec: "}"
    return 0
  fi
  local fields
  fields="$(printf '%s' "$info" | node -e '
    let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{
      const j=JSON.parse(s); process.stdout.write([j.Version,j.GoMod].join("\t"));
    })')"
  GB_VERSION="${fields%%$'\t'*}"
  local gomod="${fields#*$'\t'}"
  # Declared module path, go version and versioned replace directives of the pinned module.
  local decl
  decl="$(go mod edit -json "$gomod" | node -e '
    let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{
      const j=JSON.parse(s); const out=[j.Module.Path, j.Go||"1.21"];
      for (const r of j.Replace||[]) {
        if (!r.New.Version) continue; // local-path replaces point inside that repo; not usable here
        out.push((r.Old.Version?`${r.Old.Path}@${r.Old.Version}`:r.Old.Path)+"="+`${r.New.Path}@${r.New.Version}`);
      }
      process.stdout.write(out.join("\n"));
    })')"
  local module_path go_version
  module_path="$(sed -n 1p <<<"$decl")"
  go_version="$(sed -n 2p <<<"$decl")"
  (
    cd "$dir"
    printf 'module engine.local/%s\n\ngo %s\n' "$name" "$go_version" >go.mod
    if [ "$module_path" = "$fetch_path" ]; then
      go mod edit -require="$module_path@$GB_VERSION"
    else # go.mod declares an older path (kreuzwerker's docker provider): fetch it under the new one
      go mod edit -require="$module_path@v0.0.0-00010101000000-000000000000" \
        -replace="$module_path=$fetch_path@$GB_VERSION"
    fi
    sed -n '3,$p' <<<"$decl" | while IFS= read -r r; do [ -n "$r" ] && go mod edit -replace="$r"; done
    log "building $module_path@$GB_VERSION ($([ "$module_path" = "$fetch_path" ] || echo "via $fetch_path, ")go $(go env GOVERSION))"
    CGO_ENABLED=0 GOFLAGS="-mod=mod -trimpath -buildvcs=false" \
      go build -ldflags="$ldflags" -o "$out.tmp" "${pkg:-$module_path}" >build.log 2>&1 || {
      tail -n 30 build.log >&2
      log "build of $module_path@$GB_VERSION FAILED (log: $dir/build.log)"
      exit 1
    }
    mv -f "$out.tmp" "$out"
  )
}

# --- providers ---------------------------------------------------------------------------------
TSV_LINES=()
BUILT_ANY=0
MISSING=()

# Usage: ensure_provider <source ns/type> <bindings version> <pins...>
ensure_provider() {
  local source="$1" bindings="$2"; shift 2
  local type="${source#*/}" stamp="$CACHE/stamps/${source//\//_}.stamp" pin spec label bin
  # Warm path: a stamp naming one of the current pins, and its binary present.
  if [ -f "$stamp" ]; then
    local s_spec s_label s_version
    IFS=$'\t' read -r s_spec s_label s_version <"$stamp" || true
    for pin in "$@"; do
      spec="${pin%|*}" label="${pin#*|}"
      bin="$CACHE/mirror/registry.terraform.io/$source/$label/$PLATFORM/terraform-provider-${type}_v$label"
      if [ "$s_spec" = "$spec" ] && [ "$s_label" = "$label" ] && [ -x "$bin" ]; then
        log "$source $label: cached ($s_version)"
        TSV_LINES+=("registry.terraform.io/$source	$type	built	$label	$s_version	bindings $bindings")
        return 0
      fi
    done
  fi
  local refusals=()
  for pin in "$@"; do
    spec="${pin%|*}" label="${pin#*|}"
    local vdir="$CACHE/mirror/registry.terraform.io/$source/$label/$PLATFORM"
    bin="$vdir/terraform-provider-${type}_v$label"
    local t0; t0=$(date +%s.%N)
    mkdir -p "$vdir"
    go_build "provider-$type" "$spec" "" "$bin" "-s -w -X main.version=$label"
    if [ -n "$GB_REFUSED" ]; then
      log "$source: $spec not obtainable: $GB_REFUSED"
      refusals+=("$spec: $GB_REFUSED")
      rmdir "$vdir" "$(dirname "$vdir")" 2>/dev/null || true
      continue
    fi
    printf '%s\t%s\t%s\n' "$spec" "$label" "$GB_VERSION" >"$stamp"
    log "$source $label: built from $GB_VERSION in $(elapsed "$t0") ($(du -h "$bin" | cut -f1))"
    [ "$label" = "$bindings" ] || log "NOTE: $source $label is not the bindings' version $bindings (earlier pins refused)"
    TSV_LINES+=("registry.terraform.io/$source	$type	built	$label	$GB_VERSION	bindings $bindings")
    BUILT_ANY=1
    return 0
  done
  rm -f "$stamp"
  MISSING+=("$source")
  TSV_LINES+=("registry.terraform.io/$source	$type	unavailable	$bindings	-	$(printf '%s; ' "${refusals[@]}" | oneline)")
}

ensure_provider "$CONSUL_SOURCE" "$CONSUL_BINDINGS_VERSION" "${CONSUL_PINS[@]}"
ensure_provider "$DOCKER_SOURCE" "$DOCKER_BINDINGS_VERSION" "${DOCKER_PINS[@]}"

# --- Consul server binary (live tier) -----------------------------------------------------------
CONSUL_BIN="$CACHE/bin/consul-$CONSUL_SERVER_VERSION"
consul_stamp="$CACHE/stamps/consul-server.stamp"
write_consul_env() { printf '%s\n' "$@" >"$CACHE/consul.env.tmp" && mv -f "$CACHE/consul.env.tmp" "$CACHE/consul.env"; }
if [ -x "$CONSUL_BIN" ] && [ "$(cat "$consul_stamp" 2>/dev/null)" = "$CONSUL_SERVER_PIN $CONSUL_SERVER_SUM" ]; then
  log "consul $CONSUL_SERVER_VERSION: cached"
  write_consul_env "CONSUL_BINARY=$CONSUL_BIN" "CONSUL_VERSION=$CONSUL_SERVER_VERSION"
else
  t0=$(date +%s.%N)
  need_go consul
  rm -f "$consul_stamp"
  consul_why=""
  if ! info="$(cd "$CACHE" && GOFLAGS=-mod=mod go mod download -json "$CONSUL_SERVER_PIN" 2>&1)"; then
    consul_why="the Go module proxy refused $CONSUL_SERVER_PIN: $(printf '%s' "$info" | oneline)"
  else
    fields="$(printf '%s' "$info" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);process.stdout.write([j.Sum,j.Dir].join("\t"))})')"
    sum="${fields%%$'\t'*}" dir="${fields#*$'\t'}"
    if [ "$sum" != "$CONSUL_SERVER_SUM" ]; then
      consul_why="$CONSUL_SERVER_PIN has module hash $sum, pinned $CONSUL_SERVER_SUM"
    elif ! sed -n 1,5p "$dir/LICENSE" | grep "Mozilla Public License, version 2.0" >/dev/null; then
      consul_why="$CONSUL_SERVER_PIN: its LICENSE is not MPL-2.0 ($(head -n 3 "$dir/LICENSE" | oneline))"
    fi
  fi
  if [ -z "$consul_why" ]; then
    go_build consul-server "$CONSUL_SERVER_PIN" "" "$CONSUL_BIN" "-s -w"
    [ -z "$GB_REFUSED" ] || consul_why="$GB_REFUSED"
  fi
  if [ -n "$consul_why" ]; then
    log "consul $CONSUL_SERVER_VERSION not obtainable: $consul_why"
    write_consul_env "CONSUL_UNAVAILABLE=$consul_why"
  else
    printf '%s %s' "$CONSUL_SERVER_PIN" "$CONSUL_SERVER_SUM" >"$consul_stamp"
    log "consul $CONSUL_SERVER_VERSION: built in $(elapsed "$t0") ($("$CONSUL_BIN" version | sed -n 1p), MPL-2.0, $CONSUL_SERVER_SUM)"
    write_consul_env "CONSUL_BINARY=$CONSUL_BIN" "CONSUL_VERSION=$CONSUL_SERVER_VERSION"
    BUILT_ANY=1
  fi
fi

# Same tree under the OpenTofu default registry hostname: real directories with hard-linked
# binaries (OpenTofu's mirror scan does not follow a symlinked hostname directory).
for host in "${MIRROR_HOSTS[@]}"; do
  [ "$host" = registry.terraform.io ] && continue
  rm -rf "$CACHE/mirror/$host"
  cp -al "$CACHE/mirror/registry.terraform.io" "$CACHE/mirror/$host"
done

# --- CLI: terraform if installed, else OpenTofu built the same way ------------------------------
CLI_MODE="${CONSUL_PEERING_ENGINE_CLI:-}"
if [ -z "$CLI_MODE" ]; then
  if command -v terraform >/dev/null 2>&1; then CLI_MODE=terraform; else CLI_MODE=tofu; fi
fi
case "$CLI_MODE" in
  terraform)
    CLI_BIN="$(command -v terraform)" || { log "CONSUL_PEERING_ENGINE_CLI=terraform but no terraform on PATH"; exit 1; }
    ;;
  tofu)
    CLI_BIN="$CACHE/bin/tofu"
    tstamp="$CACHE/stamps/opentofu.stamp"
    if [ -x "$CLI_BIN" ] && [ "$(cat "$tstamp" 2>/dev/null)" = "$TOFU_PIN" ]; then
      log "OpenTofu: cached ($TOFU_PIN)"
    else
      t0=$(date +%s.%N)
      go_build opentofu "$TOFU_PIN" "$TOFU_PACKAGE" "$CLI_BIN" "-s -w -X github.com/opentofu/opentofu/version.dev=no"
      [ -z "$GB_REFUSED" ] || { log "OpenTofu $TOFU_PIN not obtainable: $GB_REFUSED"; exit 1; }
      printf '%s' "$TOFU_PIN" >"$tstamp"
      log "OpenTofu: built $GB_VERSION in $(elapsed "$t0")"
      BUILT_ANY=1
    fi
    ;;
  *) log "CONSUL_PEERING_ENGINE_CLI must be terraform or tofu, not '$CLI_MODE'"; exit 1 ;;
esac

# --- CLI configuration ---------------------------------------------------------------------------
patterns=()
for host in "${MIRROR_HOSTS[@]}"; do
  for source in "$CONSUL_SOURCE" "$DOCKER_SOURCE"; do patterns+=("\"$host/$source\""); done
done
list="$(IFS=,; echo "${patterns[*]}" | sed 's/,/, /g')"
cat >"$CACHE/terraformrc.tmp" <<EOF
# Written by test/engine/setup-providers.sh. The pinned providers come only from the local mirror;
# anything else would go to its registry as usual.
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$CACHE/mirror"
    include = [$list]
  }
  direct {
    exclude = [$list]
  }
}
EOF
mv -f "$CACHE/terraformrc.tmp" "$CACHE/terraformrc"
printf 'TERRAFORM_BINARY_NAME=%s\nTF_CLI_CONFIG_FILE=%s\n' "$CLI_BIN" "$CACHE/terraformrc" >"$CACHE/engine.env"
printf '%s\n' "${TSV_LINES[@]}" >"$CACHE/providers.tsv"

# --- report --------------------------------------------------------------------------------------
# sed reads all of its input: with pipefail, `head -n 1` could make the writer die of SIGPIPE (exit 141)
# whenever it still had lines to write, which failed a CI run once.
cli_version="$("$CLI_BIN" version 2>/dev/null | sed -n 1p)"
summary="$(cut -f1,3,4 "$CACHE/providers.tsv" | awk -F'\t' '{ sub("registry.terraform.io/", "", $1); printf "%s%s %s (%s)", (NR>1?", ":""), $1, $3, $2 }')"
log "$( [ "$BUILT_ANY" = 1 ] && echo built || echo up to date ) in $(elapsed "$START"): $cli_version; $summary"
log "cache: $CACHE (TF_CLI_CONFIG_FILE=$CACHE/terraformrc)"
if [ "${#MISSING[@]}" -gt 0 ]; then
  log "WARNING: not obtainable from the Go module proxy: ${MISSING[*]} (see $CACHE/providers.tsv)"
  [ "$STRICT" != 1 ] || exit 3
fi
exit 0
