-- A neutralized copy (odoo-bin neutralize, or a duplicate with neutralization)
-- must never talk to a real plant: pause every connector, drop outbound
-- credentials and mark the environment.
UPDATE mfg_connector
   SET state = 'paused',
       environment = 'neutralized',
       outbound_secret_enc = NULL,
       base_url = NULL;
