#!/bin/sh
# InfluxDB 2 init script (run once by the influxdb:2.7 image after setup, /docker-entrypoint-initdb.d):
# the raw bucket keeps 30 days, hourly and daily consumption buckets keep 2 and 10 years, filled
# by two tasks. The v1 DBRP mapping lets the ingest write through /write?db=dutyroom. docs/telemetry.md.
set -e
ORG="${DOCKER_INFLUXDB_INIT_ORG}"
BUCKET_ID="$(influx bucket list --name dutyroom --org "$ORG" --hide-headers | cut -f1)"
influx bucket update --id "$BUCKET_ID" --retention 720h
influx bucket create --name dutyroom_hourly --retention 17520h --org "$ORG"
influx bucket create --name dutyroom_daily --retention 87600h --org "$ORG"
# 2.x maps db "dutyroom" to the bucket of that name virtually; an explicit mapping survives renames.
influx v1 dbrp create --db dutyroom --rp autogen --bucket-id "$BUCKET_ID" --default --org "$ORG" || true
influx task create --org "$ORG" --file /docker-entrypoint-initdb.d/downsample-hourly.flux
influx task create --org "$ORG" --file /docker-entrypoint-initdb.d/downsample-daily.flux
