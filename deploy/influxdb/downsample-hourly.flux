// Hourly consumption per meter: the last total of each hour (consumption = difference of two
// consecutive hourly totals, computed by the chart query, so a meter replacement is handled there
// the same way as on raw data). Runs every hour over the last two hours (late readings).
option task = {name: "dutyroom-hourly", every: 1h, offset: 5m}

from(bucket: "dutyroom")
  |> range(start: -2h)
  |> filter(fn: (r) => r._field == "total")
  |> aggregateWindow(every: 1h, fn: last, createEmpty: false)
  |> to(bucket: "dutyroom_hourly")
