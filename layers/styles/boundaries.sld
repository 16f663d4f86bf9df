<?xml version="1.0" encoding="UTF-8"?>
<!-- Area boundaries: a thin dark outline with a faint fill, so the areas can be clicked but the basemap reads through;
     names appear from 1:30,000. -->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>lsoa-boundaries</Name>
    <UserStyle>
      <Name>boundaries</Name>
      <Title>Area boundaries</Title>
      <FeatureTypeStyle>
        <Rule>
          <Name>boundary</Name>
          <Title>Area boundary</Title>
          <PolygonSymbolizer>
            <Fill>
              <CssParameter name="fill">#334155</CssParameter>
              <CssParameter name="fill-opacity">0.04</CssParameter>
            </Fill>
            <Stroke>
              <CssParameter name="stroke">#334155</CssParameter>
              <CssParameter name="stroke-width">1</CssParameter>
              <CssParameter name="stroke-opacity">0.7</CssParameter>
            </Stroke>
          </PolygonSymbolizer>
        </Rule>
        <Rule>
          <Name>label</Name>
          <Title>Area name</Title>
          <MaxScaleDenominator>30000</MaxScaleDenominator>
          <TextSymbolizer>
            <Label><ogc:PropertyName>name</ogc:PropertyName></Label>
            <Font>
              <CssParameter name="font-family">SansSerif</CssParameter>
              <CssParameter name="font-size">11</CssParameter>
            </Font>
            <Halo>
              <Radius>1.5</Radius>
              <Fill><CssParameter name="fill">#FFFFFF</CssParameter></Fill>
            </Halo>
            <Fill><CssParameter name="fill">#1E293B</CssParameter></Fill>
          </TextSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
