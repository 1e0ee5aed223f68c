<#
.SYNOPSIS
  Sample Action module for Sink Type LOCAL:PWSH (PowerShell 7).
.DESCRIPTION
  Submit it with module 'Reports/Get-OrderSummary.ps1'. The sink's bootstrap invokes it with the
  event data as -Payload and the resolved parameters as -Params (hashtables). It totals the order
  lines, writes a line per order to the task log, and returns a hashtable whose 'messages' and
  'data' become the result. An order line with a non-positive quantity is skipped with
  Write-Warning (task WARNING); no orders at all is a terminating error (task ERROR).
  expected-outcomes.json lists the outcomes.
#>
param(
    [hashtable] $Payload,
    [hashtable] $Params
)

$currency = if ($Params.ContainsKey('currency')) { [string]$Params['currency'] } else { 'EUR' }
$orders = @($Payload['orders'] | Where-Object { $null -ne $_ })
if ($orders.Count -eq 0) {
    throw [System.ArgumentException]::new('the event has no orders')
}
$total = 0.0
$counted = 0
foreach ($order in $orders) {
    $quantity = [double]$order['quantity']
    if ($quantity -le 0) {
        Write-Warning "order $($order['id']) skipped: quantity $($order['quantity'])"
        continue
    }
    $amount = $quantity * [double]$order['unitPrice']
    Write-Output ('order {0}: {1} x {2:F2} = {3:F2} {4}' -f $order['id'], $quantity, [double]$order['unitPrice'], $amount, $currency)
    $total += $amount
    $counted++
}
$data = @{} + $Payload
$data['total'] = [math]::Round($total, 2)
$data['currency'] = $currency
@{
    messages = @(('{0} orders, total {1:F2} {2}' -f $counted, $total, $currency))
    data     = $data
}
