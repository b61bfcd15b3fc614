-- Where a movement is: the last office it reached (departure, a passed office of transit, or
-- the destination once arrived), for the dashboard's movements per leg.
ALTER TABLE movements
    ADD COLUMN last_office text GENERATED ALWAYS AS (
        CASE WHEN movement ->> 'arrived_at' IS NOT NULL THEN movement ->> 'destination_office'
             ELSE coalesce(
                 jsonb_path_query_array(movement, '$.route[*] ? (@.crossed_at != null).office') ->> -1,
                 departure_office)
        END) STORED;
