#!/usr/bin/env bash
# Runs the Bicep CLI pinned in bicep.csproj, restoring it into the NuGet package folder first if missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# The version is read from bicep.csproj so the two cannot drift.
version="$(sed -n 's/.*Azure.Bicep.CommandLine.linux-x64" Version="\[\([^]]*\)\]".*/\1/p' "$here/bicep.csproj")"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bin="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
if [[ ! -x "$bin" ]]; then
  dotnet restore "$here/bicep.csproj" --verbosity quiet >&2
  # NuGet extracts without the executable bit on some systems.
  chmod +x "$bin"
fi
exec "$bin" "$@"
