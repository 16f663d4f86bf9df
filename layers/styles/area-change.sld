<?xml version="1.0" encoding="UTF-8"?>
<!-- Areas classed by the change in their incident counts between two periods: the exact conditional Poisson test of the two counts (monthly rates), significant at a false discovery rate of 5% (Benjamini-Hochberg). -->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>area-change</Name>
    <UserStyle>
      <Name>area-change</Name>
      <Title>Change in incidents, exact Poisson test (5% false discovery rate)</Title>
      <FeatureTypeStyle>
        <Rule>
          <Name>change-more</Name>
          <Title>Significantly more incidents</Title>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>change</ogc:PropertyName><ogc:Literal>more</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <PolygonSymbolizer>
            <Fill>
              <CssParameter name="fill">#B2182B</CssParameter>
              <CssParameter name="fill-opacity">0.7</CssParameter>
            </Fill>
            <Stroke>
              <CssParameter name="stroke">#FFFFFF</CssParameter>
              <CssParameter name="stroke-width">0.5</CssParameter>
              <CssParameter name="stroke-opacity">0.8</CssParameter>
            </Stroke>
          </PolygonSymbolizer>
        </Rule>
        <Rule>
          <Name>change-fewer</Name>
          <Title>Significantly fewer incidents</Title>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>change</ogc:PropertyName><ogc:Literal>fewer</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <PolygonSymbolizer>
            <Fill>
              <CssParameter name="fill">#2166AC</CssParameter>
              <CssParameter name="fill-opacity">0.7</CssParameter>
            </Fill>
            <Stroke>
              <CssParameter name="stroke">#FFFFFF</CssParameter>
              <CssParameter name="stroke-width">0.5</CssParameter>
              <CssParameter name="stroke-opacity">0.8</CssParameter>
            </Stroke>
          </PolygonSymbolizer>
        </Rule>
        <Rule>
          <Name>change-none</Name>
          <Title>No significant change</Title>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>change</ogc:PropertyName><ogc:Literal>no change</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <PolygonSymbolizer>
            <Fill>
              <CssParameter name="fill">#F7F7F7</CssParameter>
              <CssParameter name="fill-opacity">0.15</CssParameter>
            </Fill>
            <Stroke>
              <CssParameter name="stroke">#94A3B8</CssParameter>
              <CssParameter name="stroke-width">0.5</CssParameter>
              <CssParameter name="stroke-opacity">0.8</CssParameter>
            </Stroke>
          </PolygonSymbolizer>
        </Rule>
        <Rule>
          <Name>change-suppressed</Name>
          <Title>Suppressed (small numbers)</Title>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>change</ogc:PropertyName><ogc:Literal>suppressed</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <PolygonSymbolizer>
            <Fill>
              <CssParameter name="fill">#BDBDBD</CssParameter>
              <CssParameter name="fill-opacity">0.5</CssParameter>
            </Fill>
            <Stroke>
              <CssParameter name="stroke">#94A3B8</CssParameter>
              <CssParameter name="stroke-width">0.5</CssParameter>
              <CssParameter name="stroke-opacity">0.8</CssParameter>
            </Stroke>
          </PolygonSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
