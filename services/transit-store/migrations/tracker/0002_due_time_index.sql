-- The time-limit timer reads released movements in order of their arrival time limit.
CREATE INDEX movements_due ON movements (arrival_time_limit) WHERE state = 'Released';
