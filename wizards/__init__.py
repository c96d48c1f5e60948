from . import shipment_line_select
