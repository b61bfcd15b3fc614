-- What officers and operators search by, derived from the stored movement so the tracker's
-- write path does not change. jsonb_path_query_array and the casts used are immutable.
ALTER TABLE movements
    ADD COLUMN current_destination text
        GENERATED ALWAYS AS (movement ->> 'destination_office') STORED,
    ADD COLUMN route_offices jsonb
        GENERATED ALWAYS AS (jsonb_path_query_array(movement, '$.route[*].office')) STORED,
    ADD COLUMN vehicle text
        GENERATED ALWAYS AS (movement #>> '{declaration,borderTransportMeans,id}') STORED,
    ADD COLUMN containers jsonb
        GENERATED ALWAYS AS (jsonb_path_query_array(movement,
            '$.declaration.goodsShipment.consignment.transportEquipment[*].id')) STORED,
    ADD COLUMN seals jsonb
        GENERATED ALWAYS AS (jsonb_path_query_array(movement,
            '$.declaration.goodsShipment.consignment.transportEquipment[*].seal[*].id')) STORED,
    ADD COLUMN guarantee_amount numeric
        GENERATED ALWAYS AS ((movement #>> '{declaration,obligationGuarantee,amountAmount}')::numeric) STORED,
    ADD COLUMN guarantee_currency text
        GENERATED ALWAYS AS (movement #>> '{declaration,obligationGuarantee,currencyCode}') STORED;

CREATE INDEX movements_created ON movements (created_at DESC);
CREATE INDEX movements_departure ON movements (departure_office, created_at DESC);
CREATE INDEX movements_destination ON movements (current_destination, created_at DESC);
CREATE INDEX movements_vehicle ON movements (vehicle);
CREATE INDEX movements_route ON movements USING gin (route_offices jsonb_path_ops);
CREATE INDEX movements_containers ON movements USING gin (containers jsonb_path_ops);
CREATE INDEX movements_seals ON movements USING gin (seals jsonb_path_ops);
CREATE INDEX movements_updated ON movements (updated_at);
CREATE INDEX movement_events_time ON movement_events (event_time) WHERE outcome = 'accepted';
