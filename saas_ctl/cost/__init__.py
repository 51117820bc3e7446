"""What tenants cost per month, from a dated table of AWS list prices: the table (``prices``), the estimate
(``estimate``) and the table's refresh from the AWS Price List API (``refresh``)."""
