-- Risk analysis (transit-risk): each movement's latest assessment and its hub-wide lane, the
-- assessment kept with every accepted event (a replay compares with it), and what the network
-- facts are read from: the guarantee reference, the declarant and consignee, and when the
-- movement was first found with discrepancies or sent to recovery.
ALTER TABLE movements
    ADD COLUMN risk jsonb,
    ADD COLUMN lane text,
    ADD COLUMN guarantee_reference text,
    ADD COLUMN declarant text,
    ADD COLUMN consignee text,
    ADD COLUMN flagged_at timestamptz;
ALTER TABLE movement_events ADD COLUMN risk jsonb;

CREATE INDEX movements_guarantee_reference ON movements (guarantee_reference);
CREATE INDEX movements_flagged_declarant ON movements (declarant) WHERE flagged_at IS NOT NULL;
CREATE INDEX movements_flagged_consignee ON movements (consignee) WHERE flagged_at IS NOT NULL;

-- Each rule's figures, for the hit rate: movements it fired on, of those controlled at
-- destination, and of those where the control found discrepancies. Counted by the tracker in
-- the batch that saw it.
CREATE TABLE risk_rule_figures (
    rule       text NOT NULL,
    owner      text NOT NULL,
    fired      bigint NOT NULL DEFAULT 0,
    controlled bigint NOT NULL DEFAULT 0,
    found      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (rule, owner)
);
