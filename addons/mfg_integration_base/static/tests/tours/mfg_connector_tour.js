/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// An integration admin creates a connector from Integration > Configuration >
// Connectors, tests its connection and reads the outcome in a notification.
// The test (tests/test_tours.py) answers on http://127.0.0.1:8479/bench.

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("mfg_connector_create_and_test", {
  url: "/odoo",
  steps: () => [
    ...stepUtils.goToAppSteps(
      "mfg_integration_base.mfg_integration_menu_root",
      "Open the Integration app"
    ),
    {
      content: "Open the configuration menu",
      trigger:
        'button[data-menu-xmlid="mfg_integration_base.mfg_integration_menu_config"]',
      run: "click",
    },
    {
      content: "Open the connectors",
      trigger: 'a[data-menu-xmlid="mfg_integration_base.mfg_connector_menu"]',
      run: "click",
    },
    {
      content: "Create a connector",
      trigger: ".o_list_button_add",
      run: "click",
    },
    {
      content: "Name it",
      trigger: '.o_field_widget[name="name"] input',
      run: "edit Tour test bench MES",
    },
    {
      content: "Give it its webhook code",
      trigger: '.o_field_widget[name="code"] input',
      run: "edit tour-bench",
    },
    {
      content: "Open the connection settings",
      trigger: '.o_notebook a[name="connection"]',
      run: "click",
    },
    {
      content: "Point it at the system",
      trigger: '.o_field_widget[name="base_url"] input',
      run: "edit http://127.0.0.1:8479/bench",
    },
    {
      content: "No authentication for this bench",
      trigger: '.o_field_widget[name="auth_type"] select',
      run: 'select "none"',
    },
    ...stepUtils.saveForm(),
    {
      content: "Test the connection",
      trigger: 'button[name="action_test_connection"]',
      run: "click",
    },
    {
      content: "The notification tells the outcome",
      trigger: '.o_notification:contains("Connection OK (HTTP 200)")',
    },
  ],
});
