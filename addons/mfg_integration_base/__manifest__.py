# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration Base",
    "summary": "Connectors, flows, mappings, message inbox/outbox, signed webhooks, "
    "retries and exceptions as activities for manufacturing integrations",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "website": "https://github.com/mfg-integration/mfg-integration-suite",
    "development_status": "Beta",
    "category": "Manufacturing/Integration",
    "depends": ["base", "mail", "queue_job"],
    "external_dependencies": {
        "python": [
            "cryptography",
            "jsonschema",
            # jsonschema checks "format": "date-time" only when this is installed
            "rfc3339-validator",
            "lxml",
            "MarkupSafe",
            "psycopg2",
            "requests",
        ]
    },
    "data": [
        "security/mfg_integration_base_groups.xml",
        "security/ir.model.access.csv",
        "security/mfg_integration_base_security.xml",
        "data/mail_activity_type_data.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "views/mfg_connector_views.xml",
        "views/mfg_flow_views.xml",
        "views/mfg_connector_delivery_views.xml",
        "views/mfg_field_mapping_views.xml",
        "views/mfg_external_id_views.xml",
        "views/mfg_sync_message_views.xml",
        "views/mfg_sync_message_timeline_views.xml",
        "views/mfg_reconciliation_views.xml",
        "views/mfg_event_subscription_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_config_settings_metrics_views.xml",
        "wizards/mfg_connector_template_import_views.xml",
        "wizards/mfg_connector_template_recipe_views.xml",
        "wizards/mfg_message_correction_views.xml",
        "wizards/mfg_bulk_replay_views.xml",
        "views/mfg_integration_base_menus.xml",
    ],
    "demo": ["demo/mfg_connector_demo.xml"],
    "assets": {
        "web.assets_tests": ["mfg_integration_base/static/tests/tours/*.js"],
    },
    "post_load": "post_load",
    "application": True,
    "installable": True,
}
