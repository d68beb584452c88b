// Daily totals per meter, days starting at the site's midnight (Asia/Shanghai): the last total of
// each day. Runs every day over the last two days.
import "timezone"

option location = timezone.location(name: "Asia/Shanghai")
option task = {name: "dutyroom-daily", every: 1d, offset: 15m}

from(bucket: "dutyroom_hourly")
  |> range(start: -2d)
  |> filter(fn: (r) => r._field == "total")
  |> aggregateWindow(every: 1d, fn: last, createEmpty: false)
  |> to(bucket: "dutyroom_daily")
