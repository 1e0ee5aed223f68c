# Nexomatic task bootstrap for PowerShell Action modules (Sink Type LOCAL:PWSH).
#
# Run as: pwsh -NoProfile -NonInteractive -File nexomatic_bootstrap.ps1
# Reads ONE JSON document from stdin: {"task_id", "attempt", "module", "payload", "params"}.
# "module" is a script path under NEXOMATIC_MODULES_PATH (e.g. Reports/Send-Report.ps1) or
# "Module\Function" (the module is imported from NEXOMATIC_MODULES_PATH). It is invoked with
# -Payload and -Params hashtables. The outcome goes to the file named by NEXOMATIC_RESULT_FILE:
#   {"state": "SUCCESS"|"WARNING"|"ERROR", "result_code": n, "messages": [...], "data": {...}|null}
# Write-Warning -> WARNING (texts as messages); a terminating error -> ERROR, result code 1,
# "<ExceptionType>: <text>"; `exit n` -> result code n (ERROR when n is not 0). Output objects are
# written to the log; a returned hashtable with 'messages' / 'data' keys becomes the result.

$ErrorActionPreference = 'Stop'
$resultFile = $env:NEXOMATIC_RESULT_FILE
$modulesPath = $env:NEXOMATIC_MODULES_PATH

function Write-Result([string]$State, [int]$Code, $Messages, $Data = $null, [switch]$Pending) {
    $doc = [ordered]@{ state = $State; result_code = $Code; messages = @($Messages); data = $Data }
    if ($Pending) {
        # `exit n` inside a function ends the whole process before we can write a result: the
        # sink then takes the exit code as the result code.
        $doc = [ordered]@{ pending = $true; exit_code_is_result = $true; messages = @($Messages) }
    }
    $tmp = "$resultFile.tmp"
    [System.IO.File]::WriteAllText($tmp, ($doc | ConvertTo-Json -Depth 64 -Compress),
        [System.Text.UTF8Encoding]::new($false))
    Move-Item -LiteralPath $tmp -Destination $resultFile -Force
}

function Complete([string]$State, [int]$Code, $Messages, $Data = $null) {
    [Console]::Out.Flush()
    [Console]::Error.Flush()
    Write-Result -State $State -Code $Code -Messages $Messages -Data $Data
    exit ($Code -band 0xFF)
}

try {
    $request = [Console]::In.ReadToEnd() | ConvertFrom-Json -AsHashtable
} catch {
    Complete 'ERROR' 1 @("bootstrap could not read its input: $($_.Exception.Message)")
}

$spec = [string]$request['module']
$payload = if ($request['payload']) { $request['payload'] } else { @{} }
$params = if ($request['params']) { $request['params'] } else { @{} }

$invoke = $null
if ($spec -match '^[A-Za-z0-9_.][A-Za-z0-9_./ -]*\.ps1$') {
    $root = [System.IO.Path]::GetFullPath($modulesPath)
    $script = [System.IO.Path]::GetFullPath((Join-Path $root $spec))
    if (-not $script.StartsWith($root + [System.IO.Path]::DirectorySeparatorChar)) {
        Complete 'ERROR' 1 @("invalid module '$spec': the script must be under the modules path")
    }
    if (-not (Test-Path -LiteralPath $script -PathType Leaf)) {
        Complete 'ERROR' 1 @("module not found: $spec")
    }
    $invoke = { & $script -Payload $payload -Params $params }
} elseif ($spec -match '^([A-Za-z_][A-Za-z0-9_.-]*)\\([A-Za-z_][A-Za-z0-9_-]*)$') {
    $moduleName = $Matches[1]
    $functionName = $Matches[2]
    $env:PSModulePath = $modulesPath + [System.IO.Path]::PathSeparator + $env:PSModulePath
    try {
        Import-Module -Name $moduleName -ErrorAction Stop
    } catch [System.IO.FileNotFoundException] {
        Complete 'ERROR' 1 @("module not found: $moduleName")
    } catch {
        [Console]::Error.WriteLine(($_ | Out-String))
        Complete 'ERROR' 1 @("$($_.Exception.GetType().Name): $($_.Exception.Message)")
    }
    $command = Get-Command -Name "$moduleName\$functionName" -ErrorAction SilentlyContinue
    if (-not $command) {
        Complete 'ERROR' 1 @("module $moduleName has no function $functionName")
    }
    $invoke = { & $command -Payload $payload -Params $params }
} else {
    Complete 'ERROR' 1 @("invalid module '$spec': expected a script path like 'Reports/Send-Report.ps1' or 'Module\Function'")
}

$warnings = [System.Collections.Generic.List[string]]::new()
$messages = [System.Collections.Generic.List[string]]::new()
$data = $null
Write-Result -Pending -State 'ERROR' -Code 0 -Messages @()
$global:LASTEXITCODE = 0
try {
    # 3>&1 folds warnings into the pipeline so each can be both logged and collected.
    & $invoke 3>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.WarningRecord]) {
            $warnings.Add($_.Message)
            [Console]::Error.WriteLine("WARNING: " + $_.Message)
        } elseif ($_ -is [System.Collections.IDictionary] -and ($_.Contains('messages') -or $_.Contains('data'))) {
            foreach ($m in @($_['messages'])) { if ($null -ne $m) { $messages.Add([string]$m) } }
            if ($null -ne $_['data']) { $data = $_['data'] }
        } else {
            [Console]::Out.WriteLine(($_ | Out-String).TrimEnd())
        }
    }
} catch {
    [Console]::Error.WriteLine(($_ | Out-String))
    $all = @($warnings) + @("$($_.Exception.GetType().Name): $($_.Exception.Message)")
    Complete 'ERROR' 1 $all
}

$code = [int]$global:LASTEXITCODE
if ($code -ne 0) {
    Complete 'ERROR' $code (@($warnings) + @("exited with code $code"))
}
$state = if ($warnings.Count -gt 0) { 'WARNING' } else { 'SUCCESS' }
Complete $state 0 (@($warnings) + @($messages)) $data
